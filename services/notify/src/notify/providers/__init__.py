"""The channels' adapters: each provider behind the one interface of :mod:`notify.providers.base`."""
