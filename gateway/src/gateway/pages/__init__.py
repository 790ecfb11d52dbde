"""The owners' pages (GW-3): small server-rendered pages at the front door (``/my/...`` and the
survey link's ``/survey/<token>``), zh-CN first with an English switch, for an owner to sign in by
SMS code, report a repair or a complaint with a photo, follow and evaluate it, read their notices,
see their estate's service commitments, and answer a survey from its link without signing in."""
