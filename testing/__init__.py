"""What tests, the demo and the benchmarks share: synthetic vacancies and faithful fakes.

* :mod:`testing.synthetic` (and its reference data, :mod:`testing.synthetic_reference`): hh.ru-shaped
  vacancies, deterministic for a seed — the demo data, the benchmarks' load, the fake hh.ru's store;
* :mod:`testing.fakes`: the boards (hh.ru, Trudvsem, SuperJob), Telegram's Bot API and GigaChat over
  real HTTP on 127.0.0.1, quirks included, so nothing needs the internet.
"""
