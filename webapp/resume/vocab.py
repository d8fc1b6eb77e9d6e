"""Skills and technologies as words: normalised keys, simple synonyms, and finding them in free text.

``canonical("Postgres") == canonical("PostgreSQL ")``; :class:`TermFinder` finds known terms
(a built-in list of technologies plus any skills given) in a sentence, with word boundaries that
keep ``C++``, ``C#`` and ``.NET`` whole and do not see ``SQL`` inside ``PostgreSQL``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

_KEY_DROP = re.compile(r"[\s\-_./,:;()«»\"'“”„!?]+")
_LEGAL = re.compile(
    r"\b(ооо|оао|зао|пао|ао|нао|ип|гк|фгуп|гуп|муп|llc|ltd|inc|gmbh|corp|plc|jsc|pjsc)\b\.?",
    re.IGNORECASE,
)
_PUNCT = re.compile(r"[«»\"'“”„`´’‘()\[\],.;:!?]+")

#: Simple synonyms: every spelling in a group is the same skill (the first is how we write it).
SYNONYMS: tuple[tuple[str, ...], ...] = (
    ("PostgreSQL", "Postgres", "Postgre", "PgSQL", "Постгрес", "Постгрес SQL"),
    ("JavaScript", "JS", "ECMAScript", "Джаваскрипт"),
    ("TypeScript", "TS"),
    ("Kubernetes", "K8s", "Кубернетес"),
    ("Go", "Golang"),
    ("Python", "Python3", "Python 3", "Питон"),
    ("Node.js", "NodeJS", "Node"),
    ("React", "React.js", "ReactJS"),
    ("Vue.js", "Vue", "VueJS"),
    ("Angular", "AngularJS"),
    ("MS SQL Server", "MSSQL", "MS SQL", "SQL Server", "Microsoft SQL Server"),
    ("1С", "1C", "1С:Предприятие", "1C:Enterprise", "1С Предприятие"),
    ("C#", "CSharp", "C Sharp"),
    ("C++", "CPP"),
    ("CI/CD", "CICD"),
    ("Machine Learning", "ML", "Машинное обучение"),
    ("Deep Learning", "Глубокое обучение"),
    ("REST API", "REST", "RESTful", "RESTful API"),
    ("Английский язык", "Английский", "English", "English language"),
    ("MongoDB", "Mongo"),
    ("Elasticsearch", "Elastic Search"),
    ("Apache Kafka", "Kafka"),
    ("Apache Airflow", "Airflow"),
    ("Apache Spark", "Spark"),
    ("Docker", "Докер"),
    ("Git", "Гит"),
    ("Linux", "Линукс"),
    ("Excel", "MS Excel", "Microsoft Excel"),
    ("Google Cloud", "GCP", "Google Cloud Platform"),
    ("AWS", "Amazon Web Services"),
    ("Azure", "Microsoft Azure"),
    ("Scikit-learn", "sklearn"),
    ("Управление проектами", "Project management"),
    ("Agile", "Эджайл"),
    ("Scrum", "Скрам"),
    ("HTML", "HTML5"),
    ("CSS", "CSS3"),
    ("Django", "Django Framework"),
    ("RabbitMQ", "Rabbit MQ"),
    ("Spring", "Spring Framework"),
    (".NET", "dotnet", "dot net"),
    ("Power BI", "PowerBI"),
    ("1С-Битрикс", "Битрикс", "Bitrix", "1C-Bitrix"),
    ("Next.js", "NextJS"),
    ("Tailwind CSS", "Tailwind", "TailwindCSS"),
    ("Microservices", "Микросервисы", "Микросервисная архитектура"),
    ("Bash", "Shell", "Bash scripting"),
    ("Argo CD", "ArgoCD"),
    ("WebSocket", "WebSockets"),
    ("Apache Superset", "Superset"),
    ("Photoshop", "Adobe Photoshop"),
)

#: Technologies recognised in free text even when neither the profile nor the vacancy names them.
TECH_TERMS: tuple[str, ...] = (
    "SQL",
    "MySQL",
    "SQLite",
    "Oracle",
    "ClickHouse",
    "Greenplum",
    "Redis",
    "Memcached",
    "Cassandra",
    "Hadoop",
    "Hive",
    "Snowflake",
    "dbt",
    "Looker",
    "Tableau",
    "Grafana",
    "Prometheus",
    "Zabbix",
    "Kibana",
    "Logstash",
    "ELK",
    "Terraform",
    "Ansible",
    "Helm",
    "Istio",
    "OpenShift",
    "Vault",
    "Consul",
    "Jenkins",
    "GitLab",
    "GitHub",
    "GitLab CI",
    "GitHub Actions",
    "TeamCity",
    "Nginx",
    "Apache",
    "Java",
    "Kotlin",
    "Swift",
    "Objective-C",
    "PHP",
    "Ruby",
    "Rust",
    "Scala",
    "Perl",
    "Dart",
    "Flutter",
    "Android",
    "iOS",
    "Unity",
    "Laravel",
    "Symfony",
    "Yii",
    "Flask",
    "FastAPI",
    "Celery",
    "SQLAlchemy",
    "Alembic",
    "Pydantic",
    "asyncio",
    "aiohttp",
    "Pandas",
    "NumPy",
    "SciPy",
    "PyTorch",
    "TensorFlow",
    "Keras",
    "XGBoost",
    "CatBoost",
    "LightGBM",
    "OpenCV",
    "NLP",
    "LLM",
    "Matplotlib",
    "Seaborn",
    "Plotly",
    "Jupyter",
    "Spring Boot",
    "Hibernate",
    "Maven",
    "Gradle",
    "Jira",
    "Confluence",
    "YouTrack",
    "Figma",
    "Sketch",
    "Selenium",
    "Pytest",
    "Postman",
    "Webpack",
    "Vite",
    "Redux",
    "Bootstrap",
    "jQuery",
    "GraphQL",
    "gRPC",
    "Protobuf",
    "SOAP",
    "OAuth",
    "Keycloak",
    "OpenAPI",
    "Swagger",
    "Kanban",
    "SAP",
    "VMware",
    "Windows Server",
    "Active Directory",
    "PowerShell",
    "Ubuntu",
    "Debian",
    "CentOS",
    "Oracle DB",
    "PL/SQL",
    "T-SQL",
    "Excel VBA",
    "VBA",
    "MATLAB",
    "AutoCAD",
    "Revit",
    "SolidWorks",
    "Blender",
    "Premiere Pro",
    "After Effects",
    "Illustrator",
    "InDesign",
    "Google Analytics",
    "Яндекс Метрика",
    "Яндекс Директ",
    "SEO",
    "SMM",
    "CRM",
    "amoCRM",
    "Битрикс24",
    "ERP",
    "Salesforce",
    "HubSpot",
    "Docker Compose",
    "Podman",
    "Kafka Streams",
    "NATS",
    "ZeroMQ",
    "MinIO",
    "S3",
    "Ceph",
    "HashiCorp",
    "Sentry",
    "New Relic",
    "Datadog",
    "Elastic",
    "OpenSearch",
    "Solr",
    "Sphinx",
    "Lucene",
    "Neo4j",
    "DynamoDB",
    "BigQuery",
    "Redshift",
    "Databricks",
    "MLflow",
    "Kubeflow",
    "Airbyte",
    "Debezium",
    "Flink",
    "Storm",
    "Hadoop HDFS",
    "YARN",
    "Trino",
    "Presto",
    "Impala",
    "Qlik",
    "Qlik Sense",
    "Pentaho",
    "Informatica",
)
# Common words in English text: matched only as written (capitalised), never as "go" or "rest".
_AS_WRITTEN = frozenset(
    {"Go", "Node", "Spring", "Spark", "Hive", "Unity", "Vault", "Consul", "Swift", "Ruby", "Rust", "REST",
     "Elastic", "Apache", "Storm", "Sketch", "Shell", "ML", "TS", "JS", "Dart", "Flask", "Vue", "Mongo",
     "Rabbit", "Celery", "Helm", "Apache Spark"}
)  # fmt: skip


def skill_key(value: str) -> str:
    """Case-, space- and punctuation-insensitive key of a skill (``C++`` and ``C#`` keep their signs)."""
    return _KEY_DROP.sub("", value.casefold().replace("ё", "е"))


_CANON: dict[str, str] = {}
_DISPLAY: dict[str, str] = {}
for _group in SYNONYMS:
    for _variant in _group:
        _CANON[skill_key(_variant)] = skill_key(_group[0])
    _DISPLAY[skill_key(_group[0])] = _group[0]


def canonical(value: str) -> str:
    """The key a skill is compared by: its synonym group's first spelling, normalised."""
    key = skill_key(value)
    return _CANON.get(key, key)


def same_skill(a: str, b: str) -> bool:
    return canonical(a) == canonical(b)


def name_key(value: str) -> str:
    """Key of an employer, role, institution or degree: case, quotes, legal forms and spacing ignored."""
    value = value.casefold().replace("ё", "е")
    value = _LEGAL.sub(" ", value)
    value = _PUNCT.sub(" ", value)
    value = value.replace("—", " ").replace("–", " ").replace("-", " ")
    return " ".join(value.split())


def _surface_forms(term: str) -> set[str]:
    forms = {term}
    key = canonical(term)
    for group in SYNONYMS:
        if skill_key(group[0]) == key:
            forms.update(group)
    return {f for f in forms if len(f.strip()) >= 2}  # "C" and "R" are letters in prose


def _pattern(forms: Iterable[str], flags: int) -> re.Pattern[str] | None:
    ordered = sorted(set(forms), key=lambda f: (-len(f), f))
    if not ordered:
        return None
    body = "|".join(r"\s+".join(re.escape(part) for part in form.split()) for form in ordered)
    return re.compile(rf"(?<![\w+#])(?:{body})(?![\w+#])", flags)


class TermFinder:
    """Finds skills/technologies in text: the built-in vocabulary plus ``extra`` terms."""

    def __init__(self, extra: Iterable[str] = ()) -> None:
        forms: set[str] = set()
        for term in (*TECH_TERMS, *(g[0] for g in SYNONYMS), *extra):
            term = " ".join(str(term).split())
            if term:
                forms |= _surface_forms(term)
        written = {f for f in forms if f in _AS_WRITTEN}
        self._any_case = _pattern(forms - written, re.IGNORECASE)
        self._as_written = _pattern(written, 0)

    def find(self, text: str) -> list[str]:
        """The terms in ``text`` as written there, first occurrence of each canonical skill only."""
        found: dict[str, tuple[int, str]] = {}
        for pattern in (self._any_case, self._as_written):
            if pattern is None:
                continue
            for match in pattern.finditer(text or ""):
                key = canonical(match.group(0))
                if key not in found or match.start() < found[key][0]:
                    found[key] = (match.start(), " ".join(match.group(0).split()))
        return [surface for _, surface in sorted(found.values())]

    def keys(self, text: str) -> set[str]:
        return {canonical(term) for term in self.find(text)}


@lru_cache(maxsize=1)
def default_finder() -> TermFinder:
    return TermFinder()


_NUMBER = re.compile(r"\d+")


def numbers(text: str) -> set[int]:
    """Every run of digits in ``text`` as a number (``01`` and ``1`` are the same)."""
    return {int(run) for run in _NUMBER.findall(text or "") if len(run) <= 9}


_SENTENCE = re.compile(r"(?<=[.!?…])\s+(?=[A-ZА-ЯЁ0-9«\"(—–-])")


def sentences(text: str) -> list[str]:
    """``text`` cut into sentences (a paragraph's sentences keep their order)."""
    return [s.strip() for s in _SENTENCE.split(text.strip()) if s.strip()] if text else []
