"""The activity timeline (OWN-3): a person's and a unit's history from tickets', notify's and surveys'
events, newest first."""
