"""hh.ru (api.hh.ru): the client, OAuth tokens, and the adapter behind :class:`etl.sources.base.Source`."""
