"""The harvest: one plan (:mod:`.plan`), one set of steps (:mod:`.steps`), two runners.

Airflow's DAG and the CLI's :mod:`.local` runner both turn their input into a
:class:`~etl.harvest.plan.RunRequest`, plan it into jobs and run the same steps.
"""
