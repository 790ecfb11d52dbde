"""Integration clients: other company systems (billing, access control, the call centre) that take
tokens with the OAuth 2.0 client credentials grant, each with its scopes and estates."""
