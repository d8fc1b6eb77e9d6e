"""Russian and English phrases of the resume feature: profile page, documents panel, truthfulness
report, error messages and the headings of the DOCX files.

``tr(key, lang, **values)`` works like ``webapp.i18n.t``: a missing English phrase falls back to
Russian, a missing key shows the key itself.
"""

from __future__ import annotations

from typing import Any

_PHRASES: dict[str, tuple[str, str]] = {
    # dates
    "date.present": ("н. в.", "present"),
    "date.until": ("до {date}", "until {date}"),
    # profile fields
    "field.name": ("Имя и фамилия", "Full name"),
    "field.headline": ("Желаемая должность", "Headline (desired position)"),
    "field.email": ("Эл. почта", "E-mail"),
    "field.phone": ("Телефон", "Phone"),
    "field.location": ("Город", "City"),
    "field.links": ("Ссылки", "Links"),
    "field.summary": ("О себе", "Summary"),
    "field.skills": ("Навыки", "Skills"),
    "field.experience": ("Опыт работы", "Work experience"),
    "field.employer": ("Работодатель", "Employer"),
    "field.role": ("Должность", "Role"),
    "field.start": ("Начало", "Start"),
    "field.end": ("Окончание", "End"),
    "field.bullets": ("Что делали и чего добились", "What you did and achieved"),
    "field.education": ("Образование", "Education"),
    "field.institution": ("Учебное заведение", "Institution"),
    "field.degree": ("Степень, специальность", "Degree, field"),
    "field.year": ("Год окончания", "Graduation year"),
    "field.languages": ("Языки", "Languages"),
    "field.level": ("Уровень", "Level"),
    # validation
    "error.jh_date": (
        "«{value}» не похоже на дату — напишите 03.2021, «март 2021» или 2021",
        "“{value}” is not a date: write 03.2021, “March 2021” or 2021",
    ),
    "error.jh_date_present": (
        "начало не может быть «по настоящее время»",
        "a start date cannot be “present”",
    ),
    "error.jh_period": ("окончание раньше начала", "the end is before the start"),
    "error.jh_email": ("«{value}» не похоже на адрес почты", "“{value}” is not an e-mail address"),
    "error.jh_phone": ("«{value}» не похоже на телефон", "“{value}” is not a phone number"),
    "error.jh_link": ("«{value}» не похоже на ссылку", "“{value}” is not a link"),
    "error.jh_format": (
        "«{value}» — не формат работы (ON_SITE, REMOTE, HYBRID, FIELD_WORK)",
        "“{value}” is not a work format (ON_SITE, REMOTE, HYBRID, FIELD_WORK)",
    ),
    "error.jh_salary": ("«{value}» не похоже на сумму в рублях", "“{value}” is not an amount in roubles"),
    "error.jh_years": (
        "«{value}» не похоже на число лет (0–70)",
        "“{value}” is not a number of years (0–70)",
    ),
    "error.jh_text": ("должно быть текстом", "must be text"),
    "error.jh_list": ("должно быть списком", "must be a list"),
    "error.string_too_long": ("слишком длинно (не больше {n} знаков)", "too long (at most {n} characters)"),
    "error.too_long": ("слишком много (не больше {n})", "too many (at most {n})"),
    "error.required": ("нужно заполнить", "required"),
    "error.invalid": ("неверное значение", "invalid value"),
    "profile.need_name": ("укажите имя", "enter your name"),
    "profile.need_content": (
        "добавьте навыки или хотя бы одно место работы",
        "add skills or at least one job",
    ),
    # profile page
    "profile.title": ("Профиль для резюме", "Resume profile"),
    "profile.help": (
        "Ваше основное резюме. Под каждую вакансию Job Hunter соберёт из него резюме и письмо — "
        "только из того, что здесь написано.",
        "Your master resume. For each vacancy Job Hunter builds a resume and a cover letter from it, "
        "using only what is written here.",
    ),
    "profile.import": ("Импорт", "Import"),
    "profile.import_help": (
        "Вставьте текст резюме (например, скопированный с hh.ru) или загрузите DOCX — поля ниже "
        "заполнятся, проверьте их и сохраните. Не больше 60 000 знаков текста или DOCX до 5 МБ.",
        "Paste the text of a resume (for example, copied from hh.ru) or upload a DOCX: the fields "
        "below get filled in; check them and save. At most 60,000 characters of text, or a DOCX "
        "of up to 5 MB.",
    ),
    "profile.import_placeholder": ("Текст резюме…", "Resume text…"),
    "profile.import_parse": ("Разобрать текст", "Parse the text"),
    "profile.import_upload": ("Загрузить DOCX", "Upload a DOCX"),
    "profile.imported": (
        "Импортировано: мест работы — {jobs}, навыков — {skills}, образование — {schools}. "
        "Проверьте поля и нажмите «Сохранить профиль».",
        "Imported: {jobs} jobs, {skills} skills, {schools} schools. "
        "Check the fields and press “Save profile”.",
    ),
    "profile.import_empty": (
        "В тексте не нашлось ничего похожего на резюме.",
        "Nothing that looks like a resume was found in the text.",
    ),
    "profile.import_bad_file": (
        "Этот файл не читается как DOCX. Сохраните резюме в формате .docx и загрузите снова.",
        "This file cannot be read as a DOCX. Save the resume as .docx and upload it again.",
    ),
    "profile.import_too_big": (
        "Файл больше {mb} МБ (или распаковывается в слишком большой).",
        "The file is larger than {mb} MB (or unpacks to too much).",
    ),
    "profile.import_too_long": (
        "В резюме больше {chars} знаков: сократите текст.",
        "The resume holds more than {chars} characters: shorten the text.",
    ),
    "profile.main": ("Основное", "Main"),
    "profile.skills_help": (
        "через запятую или по одному в строке",
        "separated by commas or one a line",
    ),
    "profile.languages_help": ("по одному в строке: Английский — B2", "one a line: English — B2"),
    "profile.links_help": ("по одной в строке", "one a line"),
    "profile.bullets_help": ("по одному пункту в строке", "one point a line"),
    "profile.date_help": ("03.2021 или 2021", "03.2021 or 2021"),
    "profile.end_help": ("пусто — по настоящее время", "empty: till now"),
    "profile.add_job": ("+ Место работы", "+ Job"),
    "profile.add_school": ("+ Учебное заведение", "+ School"),
    "profile.remove": ("Удалить", "Remove"),
    "profile.job": ("Место работы №{n}", "Job {n}"),
    "profile.school": ("Учебное заведение №{n}", "School {n}"),
    "profile.no_jobs": ("Мест работы пока нет.", "No jobs yet."),
    "profile.no_schools": ("Учебных заведений пока нет.", "No schools yet."),
    "profile.save": ("Сохранить профиль", "Save profile"),
    "profile.saved": ("Профиль сохранён.", "Profile saved."),
    "profile.not_saved": (
        "Профиль не сохранён — исправьте, пожалуйста:",
        "The profile was not saved; please fix:",
    ),
    "profile.ai": ("GigaChat", "GigaChat"),
    "profile.ai_help": (
        "С ключом GigaChat документы пишет нейросеть; без него — встроенный шаблон (офлайн). "
        "В любом случае проверка правдивости убирает всё, чего нет в профиле. Имя и контакты в "
        "GigaChat не отправляются.",
        "With a GigaChat key a neural network writes the documents; without one, a built-in "
        "template (offline). Either way the truthfulness check removes everything your profile "
        "does not support. Your name and contacts are never sent to GigaChat.",
    ),
    "profile.key": ("Ключ авторизации GigaChat", "GigaChat authorization key"),
    "profile.key_placeholder": (
        "вставьте Authorization key из личного кабинета GigaChat API",
        "paste the Authorization key from the GigaChat API console",
    ),
    "profile.key_saved": (
        "Ваш ключ сохранён ✓ — он хранится зашифрованным и больше не показывается. "
        "Чтобы заменить, вставьте новый.",
        "Your key is saved ✓: it is stored encrypted and never shown again. To replace it, paste a new one.",
    ),
    "profile.key_server": (
        "Своего ключа нет: используется ключ GigaChat, настроенный на сервере.",
        "No key of your own: the GigaChat key configured on the server is used.",
    ),
    "profile.key_none": (
        "Ключа нет: документы готовит встроенный офлайн-шаблон.",
        "No key: documents are made by the built-in offline template.",
    ),
    "profile.key_bad": (
        "Это не похоже на ключ авторизации GigaChat (строка base64 из личного кабинета).",
        "This does not look like a GigaChat authorization key (the base64 string from the console).",
    ),
    "profile.scope": ("Тип доступа (scope)", "Scope"),
    "profile.model": ("Модель", "Model"),
    "profile.model_default": ("как на сервере: {model}", "as on the server: {model}"),
    "profile.temperature": ("Температура", "Temperature"),
    "profile.temperature_help": (
        "0 — строже и однообразнее, 1 — свободнее; пусто — {value}",
        "0: stricter and plainer, 1: freer; empty: {value}",
    ),
    "profile.ai_save": ("Сохранить настройки GigaChat", "Save GigaChat settings"),
    "profile.key_remove": ("Удалить ключ", "Remove the key"),
    "profile.ai_saved": ("Настройки GigaChat сохранены.", "GigaChat settings saved."),
    "profile.key_removed": ("Ключ удалён.", "The key is removed."),
    "profile.bad_model": ("Неверное имя модели.", "Not a model name."),
    "profile.bad_temperature": ("Температура — число от 0 до 2.", "The temperature is a number from 0 to 2."),
    "profile.key_unreadable": (
        "Сохранённый ключ не читается (на сервере сменился JH_SECRET_KEY?) — вставьте его заново.",
        "The saved key cannot be read (JH_SECRET_KEY changed on the server?); paste it again.",
    ),
    # -- match score: profile
    "field.wishes": ("Что я ищу", "What I'm looking for"),
    "field.roles": ("Желаемые должности", "Desired roles"),
    "field.salary": ("Желаемая зарплата, ₽ в месяц", "Desired salary, roubles a month"),
    "field.areas": ("Города", "Towns"),
    "field.work_formats": ("Формат работы", "Work format"),
    "field.years": ("Опыт работы, лет", "Years of experience"),
    "profile.wishes_help": (
        "По этому и по навыкам Job Hunter оценивает каждую вакансию от 0 до 100 и показывает, почему.",
        "From this and your skills Job Hunter scores every vacancy from 0 to 100 and shows why.",
    ),
    "profile.roles_help": (
        "по одной в строке; с ними сравнивается название вакансии",
        "one a line; the vacancy's title is compared with them",
    ),
    "profile.salary_help": ("на руки; пусто — не важно", "take-home; empty: does not matter"),
    "profile.areas_help": (
        "по одному в строке, как на hh.ru: Москва; удалённая работа подходит из любого города",
        "one a line, as hh.ru writes them: Москва; remote work fits any town",
    ),
    "profile.formats_help": ("ничего не отмечено — любой", "none ticked: any"),
    "profile.years_help": (
        "пусто — по местам работы: {years}",
        "empty: counted from your jobs: {years}",
    ),
    "profile.years_help_none": (
        "пусто — посчитаем по местам работы",
        "empty: counted from your jobs",
    ),
    "profile.notify_min": (
        "Сообщать в Telegram только о вакансиях с соответствием от",
        "Tell me in Telegram only about vacancies with a match of at least",
    ),
    "profile.notify_min_help": (
        "от 1 до 100; пусто или 0 — обо всех новых вакансиях (в боте: /min N)",
        "1 to 100; empty or 0: about every new vacancy (in the bot: /min N)",
    ),
    "profile.bad_min_score": (
        "Порог для Telegram — целое число от 0 до 100.",
        "The Telegram threshold is a whole number from 0 to 100.",
    ),
    "profile.rescoring": (
        "Пересчитываем соответствие: {done} из {total}",
        "Recomputing match scores: {done} of {total}",
    ),
    "profile.rescored": (
        "Соответствие пересчитано: {total} вакансий.",
        "Match scores are up to date: {total} vacancies.",
    ),
    "profile.years_unit": ("{years} г.", "{years} yr"),
    # -- end match score: profile
    # documents panel
    "docs.title": ("Резюме и сопроводительное письмо", "Resume and cover letter"),
    "docs.generate": ("Сгенерировать резюме и письмо", "Generate resume and cover letter"),
    "docs.generate_offline": ("Сделать шаблоном без GigaChat", "Use the template without GigaChat"),
    "docs.via_gigachat": (
        "Пишет GigaChat ({model}){source}; результат проверяется по вашему профилю.",
        "Written by GigaChat ({model}){source}; the result is checked against your profile.",
    ),
    "docs.source_user": (", ваш ключ", ", your key"),
    "docs.source_server": (", ключ сервера", ", server key"),
    "docs.via_offline": (
        "Без GigaChat: документы соберёт встроенный офлайн-шаблон из вашего профиля. "
        "Ключ GigaChat можно добавить в профиле.",
        "Without GigaChat: the built-in offline template assembles the documents from your profile. "
        "A GigaChat key can be added in your profile.",
    ),
    "docs.profile_link": ("Профиль для резюме", "Resume profile"),
    "docs.need_profile": (
        "Сначала заполните профиль для резюме: {gaps}.",
        "Fill in your resume profile first: {gaps}.",
    ),
    "docs.working": (
        "Готовим документы… С GigaChat это занимает до минуты; можно закрыть панель — результат "
        "появится в истории.",
        "Preparing the documents… With GigaChat it takes up to a minute; you may close the panel: "
        "the result appears in the history.",
    ),
    "docs.done_gigachat": ("Готово: GigaChat ({model}), {when}.", "Done: GigaChat ({model}), {when}."),
    "docs.done_offline": (
        "Готово: встроенный шаблон (без GigaChat), {when}.",
        "Done: built-in template (without GigaChat), {when}.",
    ),
    "docs.truth_clean": (
        "Проверка правдивости: всё в документах есть в вашем профиле ✓",
        "Truthfulness check: everything in the documents is in your profile ✓",
    ),
    "docs.truth_changed": (
        "Проверка правдивости убрала или исправила то, чего нет в профиле ({n}):",
        "The truthfulness check removed or corrected what your profile does not support ({n}):",
    ),
    "docs.matched": ("Совпало с вакансией: {skills}", "Matches the vacancy: {skills}"),
    "docs.missing": (
        "Вакансия просит, но в профиле нет: {skills} — в документы это не попало.",
        "The vacancy asks for, but your profile lacks: {skills}; they are not in the documents.",
    ),
    "docs.download_resume": ("Скачать резюме (DOCX)", "Download resume (DOCX)"),
    "docs.download_letter": ("Скачать письмо (DOCX)", "Download cover letter (DOCX)"),
    "docs.preview_letter": ("Текст письма", "Cover letter text"),
    "docs.preview_resume": ("Навыки и опыт в резюме", "Skills and experience in the resume"),
    "docs.history": ("Ранее для этой вакансии", "Earlier for this vacancy"),
    "docs.history_empty": ("Пока ничего не создано.", "Nothing generated yet."),
    "docs.show": ("Отчёт", "Report"),
    "docs.resume_short": ("Резюме", "Resume"),
    "docs.letter_short": ("Письмо", "Letter"),
    "docs.offline_badge": ("шаблон", "template"),
    "docs.failed_badge": ("ошибка", "failed"),
    "docs.running_badge": ("готовится", "running"),
    "docs.changes_badge": ("правок: {n}", "corrections: {n}"),
    "docs.busy": (
        "Уже готовятся документы для нескольких вакансий — дождитесь их и попробуйте снова.",
        "Documents for several vacancies are being prepared already: wait for them and try again.",
    ),
    "docs.not_yours": ("Эта вакансия не из вашего списка.", "This vacancy is not in your list."),
    "docs.gone": ("Этих документов нет.", "These documents do not exist."),
    "docs.failed": ("Не получилось: {message}", "That did not work: {message}"),
    "docs.kept": (
        "Ваш профиль и прежние документы не тронуты.",
        "Your profile and earlier documents are untouched.",
    ),
    # generation errors
    "gen.auth": (
        "GigaChat не принял ключ авторизации (401). Проверьте ключ и тип доступа (scope) в профиле.",
        "GigaChat did not accept the authorization key (401). Check the key and the scope in your profile.",
    ),
    "gen.forbidden": (
        "GigaChat отказал в доступе (403): у ключа нет прав на эту модель или scope.",
        "GigaChat refused access (403): the key has no rights to this model or scope.",
    ),
    "gen.rate_limit": (
        "GigaChat просит подождать (429, слишком много запросов). Попробуйте через {seconds} с.",
        "GigaChat asks to wait (429, too many requests). Try again in {seconds} s.",
    ),
    "gen.rate_limit_later": (
        "GigaChat просит подождать (429, слишком много запросов). Попробуйте чуть позже.",
        "GigaChat asks to wait (429, too many requests). Try again a little later.",
    ),
    "gen.server": (
        "GigaChat временно не работает (ошибка {status}). Попробуйте позже.",
        "GigaChat is temporarily unavailable (error {status}). Try again later.",
    ),
    "gen.timeout": (
        "GigaChat не ответил за {seconds} с. Попробуйте ещё раз.",
        "GigaChat did not answer within {seconds} s. Try again.",
    ),
    "gen.network": (
        "Не удалось соединиться с GigaChat. Проверьте сеть сервера.",
        "Could not connect to GigaChat. Check the server's network.",
    ),
    "gen.tls": (
        "Не удалось проверить TLS-сертификат GigaChat. Администратору: укажите в "
        "JH_GIGACHAT_CA_BUNDLE_FILE сертификат «Russian Trusted Root CA».",
        "GigaChat's TLS certificate could not be verified. Administrator: point "
        "JH_GIGACHAT_CA_BUNDLE_FILE at the “Russian Trusted Root CA” certificate.",
    ),
    "gen.model": (
        "У GigaChat нет модели «{model}». Выберите другую в профиле.",
        "GigaChat has no model “{model}”. Choose another one in your profile.",
    ),
    "gen.rejected": (
        "GigaChat отклонил запрос (ошибка {status}).",
        "GigaChat rejected the request (error {status}).",
    ),
    "gen.truncated": (
        "Ответ GigaChat оборвался на середине (лимит токенов). Попробуйте ещё раз.",
        "GigaChat's answer was cut off (token limit). Try again.",
    ),
    "gen.malformed": (
        "GigaChat ответил не в том формате, который мы просили. Попробуйте ещё раз или сделайте "
        "документы шаблоном.",
        "GigaChat did not answer in the format we asked for. Try again or use the template.",
    ),
    "gen.key_unreadable": (
        "Сохранённый ключ GigaChat не читается (сменился JH_SECRET_KEY?). Вставьте его в профиле заново.",
        "The saved GigaChat key cannot be read (JH_SECRET_KEY changed?). Paste it again in your profile.",
    ),
    "gen.interrupted": (
        "Генерация прервалась (сервер перезапускался?). Попробуйте ещё раз.",
        "The generation was interrupted (did the server restart?). Try again.",
    ),
    "gen.no_profile": (
        "Сначала заполните профиль для резюме.",
        "Fill in your resume profile first.",
    ),
    "gen.unexpected": (
        "Непредвиденная ошибка при подготовке документов. Попробуйте ещё раз.",
        "An unexpected error while preparing the documents. Try again.",
    ),
    # truthfulness report
    "truth.skill_removed": (
        "Убрано: навык {value} — его нет в вашем профиле",
        "Removed: skill {value}, it is not in your profile",
    ),
    "truth.job_removed": (
        "Убрано: место работы «{value}» — его нет в вашем профиле",
        "Removed: job at “{value}”, it is not in your profile",
    ),
    "truth.job_duplicate": (
        "Убрано: повтор места работы «{value}»",
        "Removed: a repeated job at “{value}”",
    ),
    "truth.role_changed": (
        "Исправлено: должность в «{employer}» — «{value}» заменена на «{profile}», как в профиле",
        "Corrected: the role at “{employer}”, “{value}” replaced with “{profile}” as in your profile",
    ),
    "truth.dates_changed": (
        "Исправлено: даты работы в «{employer}» — «{value}» заменены на «{profile}», как в профиле",
        "Corrected: dates at “{employer}”, “{value}” replaced with “{profile}” as in your profile",
    ),
    "truth.bullet_removed": (
        "Убрано из «{employer}»: «{value}» — {reason}",
        "Removed from “{employer}”: “{value}”, {reason}",
    ),
    "truth.summary_removed": (
        "Убрано из «О себе»: «{value}» — {reason}",
        "Removed from the summary: “{value}”, {reason}",
    ),
    "truth.letter_removed": (
        "Убрано из письма: «{value}» — {reason}",
        "Removed from the letter: “{value}”, {reason}",
    ),
    "truth.headline_changed": (
        "Исправлено: должность в заголовке «{value}» заменена на «{profile}», как в профиле",
        "Corrected: the headline “{value}” replaced with “{profile}” as in your profile",
    ),
    "truth.school_removed": (
        "Убрано: учебное заведение «{value}» — его нет в вашем профиле",
        "Removed: school “{value}”, it is not in your profile",
    ),
    "truth.degree_changed": (
        "Исправлено: степень в «{institution}» — «{value}» заменена на «{profile}», как в профиле",
        "Corrected: the degree at “{institution}”, “{value}” replaced with “{profile}” as in your profile",
    ),
    "truth.year_changed": (
        "Исправлено: год окончания «{institution}» — «{value}» заменён на «{profile}»",
        "Corrected: graduation year of “{institution}”, “{value}” replaced with “{profile}”",
    ),
    "truth.language_removed": (
        "Убрано: язык «{value}» — его нет в вашем профиле",
        "Removed: language “{value}”, it is not in your profile",
    ),
    "truth.level_changed": (
        "Исправлено: уровень языка «{language}» — «{value}» заменён на «{profile}»",
        "Corrected: the level of “{language}”, “{value}” replaced with “{profile}”",
    ),
    "truth.reason_terms": (
        "упоминает {terms}, чего нет в вашем профиле",
        "it mentions {terms}, which your profile does not have",
    ),
    "truth.reason_numbers": (
        "число {numbers} не подтверждается профилем",
        "the number {numbers} is not supported by your profile",
    ),
    "truth.letter_restored": (
        "В письме не осталось абзацев после проверки — вставлен текст шаблона",
        "No paragraph of the letter survived the check; the template text is used",
    ),
    # DOCX
    "docx.resume": ("Резюме", "Resume"),
    "docx.letter": ("Сопроводительное письмо", "Cover letter"),
    "docx.summary": ("О себе", "Summary"),
    "docx.skills": ("Ключевые навыки", "Key skills"),
    "docx.experience": ("Опыт работы", "Work experience"),
    "docx.education": ("Образование", "Education"),
    "docx.languages": ("Языки", "Languages"),
    "docx.to": ("Кому: {employer}", "To: {employer}"),
    "docx.about": ("Вакансия: {vacancy}", "Re: {vacancy}"),
    "docx.file_resume": ("Резюме", "Resume"),
    "docx.file_letter": ("Сопроводительное письмо", "Cover letter"),
}


class _Values(dict[str, Any]):
    def __missing__(self, name: str) -> str:
        return "{" + name + "}"


def tr(key: str, lang: str = "ru", **values: Any) -> str:
    """The phrase ``key`` in ``lang`` with ``{placeholders}`` filled in (a missing one stays visible)."""
    phrase = _PHRASES.get(key)
    text = key if phrase is None else (phrase[1] if lang == "en" and phrase[1] else phrase[0])
    return text.format_map(_Values(values)) if values else text


def has(key: str) -> bool:
    return key in _PHRASES
