"""The only package importing cryptography: master key, envelope encryption, keyed lookup."""
