"""The one skills vocabulary: normalised keys, synonyms, Russian morphology, finding skills in text.

The harvest (:func:`normalise_skills`), the match score (:func:`terms`, :class:`Lexicon`), the
resume truth check and Telegram all speak it.

- ``canonical("Postgres") == canonical("PostgreSQL ")``: a synonym group's first spelling is the key.
- :class:`TermFinder` finds known terms (a built-in list of technologies plus any skills given) in
  a sentence, with word boundaries that keep ``C++``, ``C#`` and ``.NET`` whole and do not see
  ``SQL`` inside ``PostgreSQL``. It reads generated resume text, where exact surfaces matter.
- :func:`terms` turns text into the set of its stemmed words (the Snowball Russian stemmer, the
  algorithm PostgreSQL's ``russian`` configuration uses; English words pass through it unchanged
  but for case), so «продажами», «продаж» and «продажи» are one word. A skill is *in* a text when
  every stemmed word of one of its spellings is among the text's terms (:class:`Lexicon`): a set
  lookup per word, fast enough to rescore 100,000 vacancies in seconds. Word order and adjacency
  are not checked; for skills of one to three words that rarely matters.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import snowballstemmer

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
    # issue 14 (match score): spellings hh.ru's key skills and texts use side by side
    ("A/B-тестирование", "A/B тесты", "A/B-тесты", "A/B тестирование", "AB-тесты", "A/B testing"),
    ("Яндекс Метрика", "Яндекс.Метрика", "Yandex Metrica"),
    ("Яндекс Директ", "Яндекс.Директ", "Yandex Direct"),
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


@lru_cache(maxsize=100_000)
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


# -- harvest: a board's key skills -----------------------------------------------------------------


def normalise_skills(skills: Iterable[dict[str, Any] | str | None] | None) -> list[str]:
    """Key skills trimmed, whitespace collapsed, duplicates (ignoring case and synonyms) dropped,
    order kept. Accepts hh.ru's ``[{"name": ...}]`` and plain strings."""
    seen: set[str] = set()
    result: list[str] = []
    for skill in skills or []:
        name = skill.get("name") if isinstance(skill, dict) else skill
        if not isinstance(name, str):
            continue
        clean = " ".join(name.split())
        key = canonical(clean)
        if clean and key and key not in seen:
            seen.add(key)
            result.append(clean)
    return result


# -- morphology: stemmed words ---------------------------------------------------------------------

# A word: letters and digits with the signs that make C++, C#, 1С and Node.js; a leading dot for
# .NET. Hyphens and slashes split ("Python-разработчик" is two words, "CI/CD" too).
_WORD = re.compile(r"\.?[\w+#]+(?:\.[\w+#]+)*")
_STEMMER = snowballstemmer.stemmer("russian")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """One word's stem: case folded, ё as е, Russian endings cut (``разработчиков`` → ``разработчик``)."""
    word = word.casefold().replace("ё", "е").strip("._")
    if not word or not word[0].isalpha() or word.isascii():
        return word  # numbers, C++, Python: the Russian stemmer would only harm them
    return _STEMMER.stemWord(word)


def words(text: str | None) -> list[str]:
    """The stemmed words of ``text`` in order."""
    return [s for s in (stem(w) for w in _WORD.findall(text or "")) if s]


def terms(*texts: str | None) -> frozenset[str]:
    """The distinct stemmed words of all ``texts`` (what :attr:`t06.match_terms` stores)."""
    found: set[str] = set()
    for text in texts:
        found.update(words(text))
    return frozenset(found)


def spellings(skill: str) -> tuple[str, ...]:
    """Every way to write ``skill``: its synonym group, or itself."""
    key = canonical(skill)
    for group in SYNONYMS:
        if skill_key(group[0]) == key:
            return (skill, *group)
    return (skill,)


@lru_cache(maxsize=100_000)
def display(skill: str) -> str:
    """How we write a skill: its synonym group's first spelling, or as given."""
    return _DISPLAY.get(canonical(skill), " ".join(skill.split()))


# Words a skill's name is made of that say nothing of the skill itself: prepositions, and the
# «знание / опыт / работа / программирование» that employers wrap skills in. A skill is known by
# its other words («Работа с кассой» by «кассой», «1С программирование» by «1С»), unless it has none.
FILLER_STEMS = frozenset(
    words(
        "с со в во и на по для от до к о об из за при "
        "знание знания опыт работа работы навык навыки владение умение программирование разработка "
        "конфигурирование уровень"
    )
)
_VERSION = re.compile(r"^[\d.]+$")


def skill_stems(spelling: str) -> frozenset[str]:
    """The stemmed words that identify a skill's spelling: fillers and version numbers (``8.3``,
    ``3``) aside, unless nothing else is left."""
    stems = words(spelling)
    core = frozenset(s for s in stems if s not in FILLER_STEMS and not _VERSION.match(s))
    return core or frozenset(stems)


class Lexicon:
    """Skills to look for in a set of :func:`terms`: each found when all the identifying stemmed
    words (:func:`skill_stems`) of one of its spellings are there. ``find`` costs a dictionary
    lookup per word of the text."""

    def __init__(self, skills: Iterable[str]) -> None:
        # first stemmed word of a spelling → [(all its stemmed words, canonical key)]
        self._by_first: dict[str, list[tuple[frozenset[str], str]]] = {}
        self._stems: list[tuple[frozenset[str], str]] = []
        self._covers: dict[str, str | None] = {}
        self._order: dict[str, int] = {}
        self.names: dict[str, str] = {}
        for skill in skills:
            skill = " ".join(str(skill).split())
            key = canonical(skill)
            if not key or key in self.names:
                continue
            self.names[key] = skill
            self._order[key] = len(self._order)
            for spelling in spellings(skill):
                stems = skill_stems(spelling)
                if not stems or (len(stems) == 1 and len(min(stems)) < 2):
                    continue  # "C" and "R" are letters in prose
                entry = (stems, key)
                self._by_first.setdefault(min(stems), []).append(entry)
                self._stems.append(entry)
        self._firsts = frozenset(self._by_first)

    def stems(self) -> frozenset[str]:
        """Every stemmed word :meth:`find` looks at: a text's other words cannot change its answer."""
        return frozenset().union(*(stems for stems, _ in self._stems))

    def find(self, found_terms: frozenset[str] | set[str]) -> set[str]:
        """Canonical keys of the skills present in ``found_terms``."""
        present: set[str] = set()
        # the set intersection (in C, over the smaller side) picks the few words worth a look
        for term in self._firsts.intersection(found_terms):
            for stems, key in self._by_first[term]:
                if key not in present and stems <= found_terms:
                    present.add(key)
        return present

    def covers(self, skill: str) -> str | None:
        """The key of one of our skills that ``skill`` (a vacancy's key skill) names, or None:
        the same canonical key; or every identifying word of ours among its words (our «Продажи»
        covers its «Активные продажи»); or every identifying word of its among one of ours (our
        «1С:Предприятие 8.3» covers its «1С программирование», our «1С:ERP» its «ERP»).
        Remembered per skill: a user's vacancies repeat the same key skills."""
        if skill in self._covers:
            return self._covers[skill]
        key = canonical(skill)
        if key in self.names:
            found: str | None = key
        else:
            theirs = [stems for spelling in spellings(skill) if (stems := skill_stems(spelling))]
            # the closest of ours (fewest words apart), then the one the user lists first
            apart = [
                (min(len(mine ^ t) for t in theirs), self._order[ours], ours)
                for mine, ours in self._stems
                if any(mine <= t or t <= mine for t in theirs)
            ]
            found = min(apart)[2] if apart else None
        self._covers[skill] = found
        return found


@lru_cache(maxsize=1)
def known() -> Lexicon:
    """The built-in technologies and synonym groups, for finding what a vacancy asks for in its text."""
    return Lexicon((*TECH_TERMS, *(group[0] for group in SYNONYMS)))
