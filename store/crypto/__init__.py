"""The only package importing cryptography: master key, envelope encryption, keyed lookup."""

from store.crypto.envelope import MasterKey, Sealer, new_data_key
from store.crypto.lookup import UserLookup, new_lookup_key

__all__ = ["MasterKey", "Sealer", "UserLookup", "new_data_key", "new_lookup_key"]
