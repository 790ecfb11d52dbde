"""gateway: who is calling the suite (accounts, sign-in, tokens and the keys that sign them) and the
route table of the one front door every client goes through."""
