"""Interface language: Russian first, English on a switch; AG Grid's own texts in Russian.

``t(key, lang)`` looks a phrase up; a missing English phrase falls back to Russian and a
missing key shows the key itself (so a gap is visible, never an exception).
"""

from __future__ import annotations

from typing import Any

from babel.numbers import format_decimal

from domain import sources

LANGUAGES = ("ru", "en")
DEFAULT = "ru"

_PHRASES: dict[str, tuple[str, str]] = {
    # navbar and pages
    "product": ("Job Hunter", "Job Hunter"),
    "nav.vacancies": ("Вакансии", "Vacancies"),
    "nav.searches": ("Мои поиски", "My searches"),
    "nav.admin": ("Администрирование", "Administration"),
    "nav.users": ("Пользователи", "Users"),
    "nav.runs": ("Журнал загрузок", "Harvest log"),
    "nav.logout": ("Выйти", "Log out"),
    "sessions.title": ("Сеансы", "Sessions"),
    "sessions.help": (
        "Если вы входили на чужом устройстве или потеряли телефон, завершите все сеансы: "
        "везде, включая это устройство, придётся войти заново.",
        "If you logged in on someone else's device or lost your phone, end every session: "
        "you will have to log in again everywhere, this device included.",
    ),
    "sessions.end_all": ("Выйти на всех устройствах", "Log out everywhere"),
    "nav.theme": ("Тёмная тема", "Dark theme"),
    "nav.lang": ("English", "Русский"),
    "nav.role.admin": ("администратор", "administrator"),
    "nav.role.user": ("пользователь", "user"),
    "not_found": ("Такой страницы нет.", "There is no such page."),
    "demo.badge": ("Демо-данные", "Demo data"),
    "demo.user": ("Демо-пользователь", "Demo user"),
    "demo.title": (
        "Это сгенерированные демо-вакансии, не настоящие предложения с hh.ru. "
        "Команда `jobhunter demo clear` удалит их.",
        "These are generated demo vacancies, not real hh.ru offers. `jobhunter demo clear` removes them.",
    ),
    "access.auth": (
        "Загрузка вакансий остановлена: hh.ru не принимает токен приложения (нет, неверный или отозван). "
        "Администратору: выполните `jobhunter hh login --client-id ID` (README, «Getting an hh.ru token»).",
        "Harvesting stopped: hh.ru does not accept the application token (missing, wrong or revoked). "
        "Administrator: run `jobhunter hh login --client-id ID` — see README, 'Getting an hh.ru token'.",
    ),
    "access.captcha": (
        "Загрузка вакансий остановлена: hh.ru требует капчу. Нужен токен приложения hh.ru: "
        "`jobhunter hh login --client-id ID` — см. README.",
        "Harvesting stopped: hh.ru demands a captcha. An hh.ru application token is needed: "
        "`jobhunter hh login --client-id ID` — see README.",
    ),
    "forbidden": ("Эта страница только для администраторов.", "This page is for administrators only."),
    # login
    "login.title": ("Вход", "Log in"),
    "login.login": ("Логин", "Login"),
    "login.password": ("Пароль", "Password"),
    "login.submit": ("Войти", "Log in"),
    "login.failed": ("Неверный логин или пароль.", "Wrong login or password."),
    "login.locked": (
        "Слишком много неудачных попыток. Попробуйте снова через {minutes} мин.",
        "Too many failed attempts. Try again in {minutes} min.",
    ),
    "login.disabled": (
        "Учётная запись отключена. Обратитесь к администратору.",
        "This account is disabled. Ask your administrator.",
    ),
    "login.expired": ("Форма устарела, отправьте её ещё раз.", "The form expired; please send it again."),
    "login.logged_out": ("Вы вышли.", "You are logged out."),
    "login.hint": (
        "Первый пароль администратора печатает команда make run.",
        "The first administrator password is printed by make run.",
    ),
    # vacancies page
    # short enough to show whole in a phone's toolbar: a word, an exclusion and a phrase
    "grid.quick": ('Поиск: python -стажёр "data engineer"', 'Search: python -intern "data engineer"'),
    "grid.show_hidden": ("Показывать скрытые", "Show hidden"),
    "grid.only_favourites": ("Только избранное", "Favourites only"),
    "grid.reset": ("Сбросить фильтры", "Reset filters"),
    "grid.reset_columns": ("Колонки по умолчанию", "Default columns"),
    "grid.found": ("Найдено: {n}", "Found: {n}"),
    "grid.found_many": ("Найдено: более {n}", "Found: more than {n}"),
    "grid.export": ("Экспорт", "Export"),
    "grid.export_note": ("до {n} строк текущего вида", "up to {n} rows of the current view"),
    "grid.empty": (
        "Здесь пока пусто: добавьте поиск на странице «Мои поиски» и дождитесь загрузки.",
        "Nothing here yet: add a search on the My searches page and wait for a harvest.",
    ),
    "col.title": ("Должность", "Title"),
    "col.employer": ("Работодатель", "Employer"),
    "col.salary_from": ("З/п от, ₽", "Salary from, ₽"),
    "col.salary_to": ("З/п до, ₽", "Salary to, ₽"),
    "col.area": ("Город", "Area"),
    "col.experience": ("Опыт", "Experience"),
    "col.work_format": ("Формат", "Work format"),
    "col.published": ("Опубликована", "Published"),
    "col.first_seen": ("Впервые найдена", "First seen"),
    "col.times_seen": ("Найдена раз", "Times seen"),
    "col.searches": ("Поиск", "Search"),
    "col.favourite": ("Избранное", "Favourite"),
    "col.hidden": ("Скрыта", "Hidden"),
    "col.source": ("Источник", "Source"),
    "col.link": ("Ссылка", "Link"),
    "grid.also_on": ("также на {boards}", "also on {boards}"),
    "filter.all": ("Все", "All"),
    "filter.search": ("Найти…", "Find…"),
    # details
    "details.title": ("Вакансия", "Vacancy"),
    "details.choose": (
        "Выберите вакансию в таблице, чтобы увидеть подробности.",
        "Select a vacancy in the table to see its details.",
    ),
    "details.favourite": ("В избранном", "Favourite"),
    "details.ban": ("Скрыть вакансию", "Hide vacancy"),
    "details.ban_employer": ("Скрыть работодателя", "Hide employer"),
    "details.ban_employer_help": (
        "все его вакансии пропадут из вашего списка",
        "all of its vacancies disappear from your list",
    ),
    "details.salary": ("Зарплата", "Salary"),
    "details.salary_published": ("как опубликовано", "as published"),
    "details.salary_rub": ("в рублях в месяц", "roubles a month"),
    "details.no_salary": ("не указана", "not given"),
    "details.gross": ("до вычета налогов", "before tax"),
    "details.net": ("на руки", "after tax"),
    "details.skills": ("Ключевые навыки", "Key skills"),
    "details.address": ("Адрес", "Address"),
    "details.employer": ("Работодатель", "Employer"),
    "details.open_on": ("Открыть на {board}", "Open on {board}"),
    "details.employer_on": ("Работодатель на {board}", "Employer on {board}"),
    "details.source": ("Источник", "Source"),
    "details.group": ("Похоже, та же вакансия есть и здесь:", "Looks like the same vacancy is also here:"),
    "details.split": ("Это разные вакансии", "These are different vacancies"),
    "details.split_help": (
        "Эта вакансия станет отдельной строкой в таблице — только у вас.",
        "This vacancy gets a row of its own in the table, for you only.",
    ),
    "details.split_done": ("Вакансия теперь отдельной строкой.", "The vacancy now has a row of its own."),
    "details.split_alone": (
        "Вы отделили эту вакансию от похожих на других сайтах.",
        "You took this vacancy out of its group of look-alikes on other boards.",
    ),
    "details.unsplit": ("Объединить снова", "Group them again"),
    "details.unsplit_done": ("Вакансия снова в группе похожих.", "The vacancy is back in its group."),
    "details.no_description": (
        "Полное описание ещё не загружено.",
        "The full description has not been fetched yet.",
    ),
    "details.archived": ("В архиве на {board}", "Archived on {board}"),
    "details.published": ("Опубликована", "Published"),
    "details.matched": ("Найдена поиском", "Found by"),
    "details.saved": ("Сохранено", "Saved"),
    "details.close": ("Закрыть", "Close"),
    # searches page
    "searches.title": ("Мои поиски", "My searches"),
    "searches.help": (
        "Каждый активный поиск загружается по расписанию; новые вакансии появятся в таблице. "
        "Первая загрузка нового поиска берёт все подходящие вакансии за последние {days} дн.",
        "Every active search is harvested on schedule; new vacancies appear in the table. "
        "A new search's first harvest takes every matching vacancy of the last {days} days.",
    ),
    "searches.add": ("Новый поиск", "New search"),
    "searches.edit": ("Изменить", "Edit"),
    "searches.delete": ("Удалить", "Delete"),
    "searches.delete_confirm": (
        "Удалить поиск «{name}»? Найденные им вакансии останутся.",
        "Delete the search “{name}”? The vacancies it found stay.",
    ),
    "searches.pause": ("Приостановить", "Pause"),
    "searches.resume": ("Возобновить", "Resume"),
    "searches.paused": ("на паузе", "paused"),
    "searches.active": ("активен", "active"),
    "searches.name": ("Название", "Name"),
    "searches.text": ("Текст запроса", "Search text"),
    "searches.text_help": (
        "язык запросов hh.ru: python AND (django OR flask) NOT 1С",
        "hh.ru query language: python AND (django OR flask) NOT 1C",
    ),
    "searches.areas": ("Регионы", "Areas"),
    "searches.roles": ("Профессиональные роли", "Professional roles"),
    "searches.experience": ("Опыт", "Experience"),
    "searches.work_formats": ("Формат работы", "Work format"),
    "searches.salary": ("Зарплата от", "Salary from"),
    "searches.currency": ("Валюта", "Currency"),
    "searches.only_with_salary": ("Только с указанной зарплатой", "Only with a salary"),
    "searches.save": ("Сохранить", "Save"),
    "searches.cancel": ("Отмена", "Cancel"),
    "searches.saved": ("Поиск «{name}» сохранён.", "Search “{name}” saved."),
    "searches.deleted": ("Поиск «{name}» удалён.", "Search “{name}” deleted."),
    "searches.none": ("Поисков пока нет — добавьте первый.", "No searches yet: add the first one."),
    "searches.last_run": ("Последняя загрузка", "Last harvest"),
    "searches.never": ("ещё не загружался", "not harvested yet"),
    "searches.found_new": ("найдено {found}, новых {new}", "found {found}, new {new}"),
    "searches.vacancies": ("вакансий в списке: {n}", "vacancies in your list: {n}"),
    "searches.any": ("любые", "any"),
    "searches.choose": ("Выберите…", "Choose…"),
    "searches.sources": ("Сайты", "Boards"),
    "searches.sources_help": (
        "Ничего не отмечено — поиск идёт на всех подключённых сайтах ({boards}).",
        "None ticked: the search runs on every enabled board ({boards}).",
    ),
    "searches.sources_all": ("все подключённые сайты", "every enabled board"),
    "searches.unsupported": ("{board} не фильтрует: {criteria}", "{board} cannot filter by: {criteria}"),
    "searches.unsupported_note": (
        "Там поиск идёт без этих условий — проверьте найденное в таблице.",
        "There the search runs without them: check what it finds in the table.",
    ),
    "criterion.text": ("текст запроса", "search text"),
    "criterion.areas": ("регион", "area"),
    "criterion.professional_roles": ("профессиональная роль", "professional role"),
    "criterion.experience": ("опыт", "experience"),
    "criterion.employment_forms": ("тип занятости", "employment"),
    "criterion.work_formats": ("формат работы", "work format"),
    "criterion.salary": ("зарплата", "salary"),
    "criterion.only_with_salary": ("только с зарплатой", "only with a salary"),
    # admin
    "admin.users": ("Пользователи", "Users"),
    "admin.add_user": ("Добавить пользователя", "Add user"),
    "admin.login": ("Логин", "Login"),
    "admin.name": ("Имя", "Name"),
    "admin.role": ("Роль", "Role"),
    "admin.active": ("Активен", "Active"),
    "admin.created": ("Создан", "Created"),
    "admin.last_login": ("Последний вход", "Last login"),
    "admin.searches": ("Поисков", "Searches"),
    "admin.reset_password": ("Сбросить пароль", "Reset password"),
    "admin.disable": ("Отключить", "Disable"),
    "admin.enable": ("Включить", "Enable"),
    "admin.make_admin": ("Сделать администратором", "Make administrator"),
    "admin.make_user": ("Сделать пользователем", "Make ordinary user"),
    "admin.new_password": (
        "Новый пароль пользователя {login}: {password} — передайте его лично, больше он не покажется.",
        "New password of {login}: {password} (hand it over in person; it is not shown again).",
    ),
    "admin.created_user": (
        "Пользователь {login} создан, пароль: {password} — передайте его лично, больше он не покажется.",
        "User {login} created, password: {password} (hand it over in person; it is not shown again).",
    ),
    "admin.select_user": ("Выберите пользователя в таблице.", "Select a user in the table."),
    "admin.last_admin": (
        "Нельзя отключить или понизить последнего администратора.",
        "The last administrator cannot be disabled or demoted.",
    ),
    "admin.not_self": ("Себя отключить или понизить нельзя.", "You cannot disable or demote yourself."),
    "admin.done": ("Готово: {login}.", "Done: {login}."),
    "admin.runs": ("Журнал загрузок", "Harvest log"),
    "admin.no_runs": (
        "Загрузок ещё не было: они появятся после первого запуска jobhunter etl run или make run.",
        "No harvests yet: they appear after the first jobhunter etl run or make run.",
    ),
    "admin.no_users": ("Пользователей нет.", "No users."),
    "admin.status": ("Статус", "Status"),
    "admin.user": ("Пользователь", "User"),
    "admin.search_text": ("Поиск или запуск содержит…", "Search or run contains…"),
    "admin.from": ("С", "From"),
    "admin.to": ("По", "To"),
    "run.run_id": ("Запуск", "Run"),
    "run.search": ("Поиск", "Search"),
    "run.trigger": ("Тип", "Trigger"),
    "run.started": ("Начат", "Started"),
    "run.finished": ("Закончен", "Finished"),
    "run.status": ("Статус", "Status"),
    "run.requests": ("Запросов", "Requests"),
    "run.found": ("Найдено", "Found"),
    "run.new": ("Новых", "New"),
    "run.updated": ("Изменено", "Updated"),
    "run.details": ("Описаний", "Descriptions"),
    "run.error": ("Ошибка", "Error"),
    "run.window": ("Окно", "Window"),
    "trigger.scheduled": ("по расписанию", "scheduled"),
    "trigger.manual": ("вручную", "manual"),
    "trigger.backfill": ("дозагрузка", "backfill"),
    "status.running": ("идёт", "running"),
    "status.success": ("успешно", "success"),
    "status.partial": ("частично", "partial"),
    "status.failed": ("ошибка", "failed"),
    "status.captcha": ("капча", "captcha"),
    "status.auth": ("нет доступа", "no access"),
    "error.generic": ("Не получилось: {error}", "That did not work: {error}"),
    "error.login_invalid": (
        "Логин «{login}» не подходит: от 1 до 64 букв, цифр, «.», «_», «@» или «-».",
        "The login “{login}” is not valid: use 1-64 letters, digits, '.', '_', '@' or '-'.",
    ),
    "error.login_taken": ("Пользователь с логином «{login}» уже есть.", "A user “{login}” already exists."),
    "error.role_invalid": ("Неизвестная роль.", "Unknown role."),
    "error.password_short": (
        "Пароль должен быть не короче {n} символов.",
        "The password must have at least {n} characters.",
    ),
    "error.password_long": (
        "Пароль должен быть не длиннее {n} символов.",
        "The password must have at most {n} characters.",
    ),
    "error.search_name": (
        "У поиска должно быть название длиной от 1 до 100 символов.",
        "A search needs a name of 1-100 characters.",
    ),
    "error.search_text_long": (
        "Текст запроса длиннее, чем принимает hh.ru (3000 символов).",
        "The search text is longer than hh.ru accepts (3000 characters).",
    ),
    "error.salary_positive": (
        "Зарплата должна быть положительным числом.",
        "The salary must be a positive number.",
    ),
    "error.salary_too_large": (
        "Зарплата не может быть больше {n}.",
        "The salary can be at most {n}.",
    ),
    "error.search_taken": ("Поиск «{name}» у вас уже есть.", "You already have a search named “{name}”."),
    "error.search_unknown_area": (
        "Регион с кодом {value} hh.ru не знает.",
        "hh.ru does not know an area with id {value}.",
    ),
    "error.search_unknown_professional_role": (
        "Профессиональная роль с кодом {value} hh.ru не знает.",
        "hh.ru does not know a professional role with id {value}.",
    ),
    "error.not_yours": ("Эта вакансия не из вашего списка.", "This vacancy is not in your list."),
    # -- applications (issue #15: the «Отклики» page, the application panel, its export)
    "nav.applications": ("Отклики", "Applications"),
    "col.stage": ("Этап", "Stage"),
    # -- the grid at a million rows (issue #17): why a column does not sort, the skills filter
    "col.skills": ("Ключевые навыки", "Key skills"),
    "sort.use_filter": (
        "Не сортируется: у столбца немного значений — выберите нужные в фильтре",
        "Not sortable: the column has few values — pick the ones you want in its filter",
    ),
    "sort.times_seen": (
        "Не сортируется: число меняется при каждом сборе; фильтр по числу работает",
        "Not sortable: the number changes on every harvest; its number filter works",
    ),
    "sort.stage": (
        "Не сортируется: этапы не упорядочить по алфавиту — выберите нужные в фильтре",
        "Not sortable: stages have no alphabetical order — pick the ones you want in its filter",
    ),
    "sort.favourite": (
        "Избранное. Не сортируется: включите «Только избранное»",
        "Favourite. Not sortable: switch on «Favourites only»",
    ),
    "apps.title": ("Отклики", "Applications"),
    "apps.board": ("Доска", "Board"),
    "apps.list": ("Список", "List"),
    "apps.total": ("Всего: {n}", "Total: {n}"),
    "apps.closed_group": ("Завершённые", "Closed"),
    "apps.empty_column": ("Пусто", "Empty"),
    "apps.empty": (
        "Вы пока не отслеживаете ни одной вакансии. Откройте вакансию в списке и выберите этап "
        "или нажмите «Откликнуться».",
        "You are not tracking any vacancy yet. Open a vacancy in the list and choose a stage, "
        "or press “Apply”.",
    ),
    "apps.to_vacancies": ("К вакансиям", "To the vacancies"),
    "apps.funnel": ("Воронка", "Funnel"),
    "apps.funnel_help": (
        "Сколько откликов когда-либо дошли до шага, и доля от предыдущего шага.",
        "How many applications ever reached each step, and the share of the step before.",
    ),
    "apps.funnel.applied": ("Отклики", "Applied"),
    "apps.funnel.interview": ("Собеседования", "Interviews"),
    "apps.funnel.offer": ("Офферы", "Offers"),
    "apps.days": ("{n} дн. в этапе", "{n} d in stage"),
    "apps.next": ("Следующий шаг: {when}", "Next step: {when}"),
    "apps.closed": ("Вакансия закрыта {date}", "Vacancy closed {date}"),
    "apps.applied_with": ("откликнулся с резюме от {date}", "applied with: resume of {date}"),
    "apps.score": ("Совпадение {n}", "Match {n}"),
    "apps.quiet": (
        "Без ответа {n} дн. — отметить «Нет ответа»?",
        "No answer for {n} days — mark it “No answer”?",
    ),
    "apps.quiet_title": ("Давно без ответа", "Quiet for a while"),
    "apps.mark_no_answer": ("Нет ответа", "No answer"),
    "apps.export": ("Выгрузить отклики", "Export the applications"),
    "apps.panel": ("Отклик", "Application"),
    "apps.untracked": ("Не отслеживается", "Not tracked"),
    "apps.stage": ("Этап", "Stage"),
    "apps.choose_stage": ("— выберите этап —", "— choose a stage —"),
    "apps.next_at": ("Следующий шаг (ваше время, {zone})", "Next step (your time, {zone})"),
    "apps.next_note": ("Что за шаг", "What it is"),
    "apps.next_note_hint": ("Например: собеседование в Zoom", "E.g. an interview on Zoom"),
    "apps.note": ("Заметка", "Note"),
    "apps.note_hint": ("Видна только вам, сохранится в истории", "Only you see it; kept in the history"),
    "apps.save": ("Сохранить", "Save"),
    "apps.saved": ("Сохранено", "Saved"),
    "apps.nothing": ("Нечего сохранять: ничего не изменилось.", "Nothing to save: nothing changed."),
    "apps.apply_on": ("Откликнуться на {board}", "Apply on {board}"),
    "apps.open_on": ("Открыть на {board}", "Open on {board}"),
    "apps.sent_question": ("Отклик отправлен?", "Did you send the application?"),
    "apps.sent_yes": ("Да, отправлен", "Yes, sent"),
    "apps.sent_no": ("Нет", "No"),
    "apps.will_link": ("Привяжем резюме от {date}.", "The resume of {date} will be linked."),
    "apps.history": ("История", "History"),
    "apps.history_empty": ("Изменений пока нет.", "No changes yet."),
    "apps.was_untracked": ("не отслеживалась", "untracked"),
    "apps.ev_note": ("Заметка", "Note"),
    "apps.ev_next": ("Следующий шаг: {when}", "Next step: {when}"),
    "apps.ev_next_cleared": ("Следующий шаг снят", "Next step removed"),
    "apps.ev_with": ("с резюме от {date}", "with the resume of {date}"),
    "apps.via.telegram": ("через Telegram", "via Telegram"),
    "apps.via.cli": ("из командной строки", "from the command line"),
    "apps.col.days": ("Дней в этапе", "Days in stage"),
    "apps.col.stage_at": ("Этап с", "Stage since"),
    "apps.col.next": ("Следующий шаг", "Next step"),
    "apps.col.next_note": ("Что за шаг", "What it is"),
    "apps.col.score": ("Совпадение", "Match"),
    "apps.col.applied_with": ("Резюме от", "Resume of"),
    "apps.col.closed": ("Закрыта", "Closed"),
    "apps.col.notes": ("Заметки", "Notes"),
    "apps.col.history": ("История этапов", "Stage history"),
    # -- match score: grid and details
    "col.score": ("Соответствие", "Match"),
    "col.score_help": (
        "Насколько вакансия подходит вашему профилю, из 100",
        "How well the vacancy fits your profile, out of 100",
    ),
    "grid.min_score": ("Соответствие от", "Match at least"),
    "grid.min_score_help": (
        "Показывать только вакансии с соответствием профилю не ниже этого числа (0–100)",
        "Show only vacancies that fit your profile at least this well (0–100)",
    ),
    "match.title": ("Соответствие профилю", "Fit to your profile"),
    "match.of": ("{points} из {weight}", "{points} of {weight}"),
    "match.total": ("{score} из 100", "{score} of 100"),
    "match.none": (
        "Оценки пока нет. Заполните навыки и желаемую должность на странице «Профиль для резюме» — "
        "и вакансии выстроятся по соответствию вам.",
        "No score yet. Fill in your skills and the job you want on the Resume profile page, and "
        "your vacancies will be ranked by how well they fit you.",
    ),
    "match.skills": ("Навыки", "Skills"),
    "match.title_fit": ("Должность", "Job title"),
    "match.experience": ("Опыт", "Experience"),
    "match.salary": ("Зарплата", "Salary"),
    "match.area": ("Город", "Area"),
    "match.format": ("Формат работы", "Work format"),
    "match.matched": ("Есть у вас", "You have"),
    "match.missing": ("Не хватает", "Missing"),
    "match.nothing_missing": ("Всё, что просит вакансия, у вас есть.", "You have all the vacancy asks for."),
    "match.learn": ("Чему научиться", "What to learn"),
    "match.learn_help": (
        "Навыки, которых нет в вашем профиле, — по тому, как часто их просят {n} лучше всего "
        "подходящих вам вакансий.",
        "Skills missing from your profile, by how often the {n} vacancies that fit you best ask for them.",
    ),
    "match.learn_hits": ("в {hits} из {n}", "in {hits} of {n}"),
    # -- the «Рынок» page (issue #16): webapp/pages/market.py, webapp/market_charts.py
    "nav.market": ("Рынок", "Market"),
    "col.salary": ("Зарплата указана", "Salary given"),
    "col.seen": ("Период", "Period"),
    "col.skill": ("Навык", "Skill"),
    "mkt.title": ("Рынок", "Market"),
    "mkt.scope": ("Вакансии", "Vacancies"),
    "mkt.scope.all": ("Все мои вакансии", "All my vacancies"),
    "mkt.scope.search": ("Поиск «{name}»", "Search “{name}”"),
    "mkt.scope.source": ("Только {board}", "Only {board}"),
    "mkt.period": ("Период", "Period"),
    "mkt.days": ("{n} дн.", "{n} days"),
    "mkt.basis": ("Зарплата", "Salary"),
    "mkt.basis.all": ("все как опубликовано", "all as published"),
    "mkt.basis.gross": ("до вычета налогов", "before tax"),
    "mkt.basis.net": ("на руки", "after tax"),
    "mkt.hidden": ("Учитывать скрытые", "Include hidden"),
    "mkt.sum.vacancies": ("Новых вакансий за период", "New vacancies in the period"),
    "mkt.sum.with_salary": ("С зарплатой", "With a salary"),
    "mkt.sum.median": ("Медиана зарплаты", "Median salary"),
    "mkt.sum.without": ("Без зарплаты", "Without a salary"),
    "mkt.sum.note": (
        "С {start} по {end} (UTC). Зарплаты — в рублях в месяц; до вычета: {gross}, на руки: {net}, "
        "не указано: {unknown}. Вакансии без зарплаты в расчёт зарплат не входят.",
        "{start} to {end} (UTC). Salaries in roubles a month; before tax: {gross}, after tax: {net}, "
        "not said: {unknown}. Vacancies without a salary are left out of the salary figures.",
    ),
    "mkt.section.salaries": ("Зарплаты", "Salaries"),
    "mkt.section.demand": ("Спрос", "Demand"),
    "mkt.section.skills": ("Навыки", "Skills"),
    "mkt.section.standing": ("Где вы", "Where you stand"),
    "mkt.chart.share": ("Сколько вакансий указывают зарплату", "How many vacancies give a salary"),
    "mkt.help.share": (
        "До вычета и на руки — как написал работодатель; без зарплаты — не указана.",
        "Before and after tax as the employer said; without: no salary given.",
    ),
    "mkt.chart.grade": ("Зарплата по опыту", "Salary by experience"),
    "mkt.help.grade": (
        "Полоса — от 25-го до 75-го процентиля, черта — медиана.",
        "The bar runs from the 25th to the 75th percentile; the tick is the median.",
    ),
    "mkt.chart.area": ("Зарплата по городам", "Salary by city"),
    "mkt.help.area": ("Города с наибольшим числом вакансий.", "The cities with the most vacancies."),
    "mkt.chart.format": ("Зарплата по формату работы", "Salary by work format"),
    "mkt.help.format": (
        "Вакансия с несколькими форматами входит в каждый.",
        "A vacancy with several formats counts in each.",
    ),
    "mkt.chart.histogram": ("Распределение зарплат", "Salary distribution"),
    "mkt.help.histogram": ("Сколько вакансий в каждом диапазоне.", "How many vacancies in each range."),
    "mkt.chart.weekly": ("Зарплата по неделям", "Salary by week"),
    "mkt.help.weekly": (
        "Медиана и полоса 25–75 % вакансий, впервые найденных за неделю.",
        "The median and the 25–75 % band of the vacancies first seen that week.",
    ),
    "mkt.chart.new": ("Новые вакансии по дням", "New vacancies per day"),
    "mkt.help.new": ("Впервые найденные за день.", "First seen that day."),
    "mkt.chart.open": ("Открытые вакансии", "Open vacancies"),
    "mkt.help.open": (
        "Сколько вакансий было открыто в каждый день.",
        "How many vacancies were open each day.",
    ),
    "mkt.chart.employers_open": ("Работодатели: больше всего открытых", "Employers with the most open"),
    "mkt.help.employers_open": ("Открытые вакансии сейчас.", "Vacancies open now."),
    "mkt.chart.employers_salary": (
        "Работодатели: самая высокая медиана",
        "Employers with the highest median",
    ),
    "mkt.help.employers_salary": ("Медиана зарплаты их вакансий.", "The median salary of their vacancies."),
    "mkt.chart.lifetime": ("Сколько живёт вакансия", "How long a vacancy lives"),
    "mkt.help.lifetime": (
        "Дни от первой находки до закрытия, для закрытых за период.",
        "Days from first seen to closed, for those closed in the period.",
    ),
    "mkt.chart.skills": ("Самые востребованные навыки", "The most wanted skills"),
    "mkt.help.skills": (
        "Доля новых за период вакансий (с загруженным описанием), где навык назван.",
        "The share of the period's new vacancies (with a fetched description) naming the skill.",
    ),
    "mkt.chart.skill_moves": ("Растут и падают", "Rising and falling"),
    "mkt.help.skill_moves": (
        "Изменение доли против предыдущего периода той же длины, в п. п.",
        "The change of share against the previous period of the same length, in points.",
    ),
    "mkt.chart.skill_salary": ("Зарплата с навыком и без", "Salary with and without a skill"),
    "mkt.help.skill_salary": (
        "Медиана новых за период вакансий, где навык назван, и остальных.",
        "The median of the period's new vacancies naming the skill and of the rest.",
    ),
    "mkt.too_few": (
        "Мало данных для графика: {n} — нужно хотя бы {min}.",
        "Too few vacancies for a chart: {n}; it needs at least {min}.",
    ),
    "mkt.too_few.skill_moves": (
        "Сравнивать не с чем: в предыдущем периоде той же длины {n} вакансий с навыками — "
        "нужно хотя бы {min}.",
        "Nothing to compare with: {n} vacancies with skills in the previous period; it needs at least {min}.",
    ),
    "mkt.too_few.employers_salary": (
        "Ни у одного работодателя нет хотя бы трёх вакансий с зарплатой за период.",
        "No employer has at least three vacancies with a salary in the period.",
    ),
    "mkt.show": ("показать эти вакансии", "show these vacancies"),
    "mkt.show_help": (
        "Откроет таблицу вакансий с тем же фильтром; щёлкните столбец — откроются его вакансии.",
        "Opens the vacancies table with the same filter; click a bar to open its vacancies.",
    ),
    "mkt.csv": ("Скачать цифры графика в CSV", "Download the chart's numbers as CSV"),
    "mkt.median": ("медиана", "median"),
    "mkt.with": ("с навыком", "with the skill"),
    "mkt.without": ("без навыка", "without it"),
    "mkt.pp": ("п. п.", "pts"),
    "mkt.days_suffix": (" дн.", " d"),
    "mkt.share.gross": ("до вычета", "before tax"),
    "mkt.share.net": ("на руки", "after tax"),
    "mkt.share.unknown": ("не сказано", "not said"),
    "mkt.share.without": ("без зарплаты: {n}", "without a salary: {n}"),
    "mkt.hover.band": (
        "p25 {p25} ₽ · медиана {median} ₽ · p75 {p75} ₽",
        "p25 {p25} ₽ · median {median} ₽ · p75 {p75} ₽",
    ),
    "mkt.hover.count": (
        "вакансий: {n} (до вычета {gross}, на руки {net})",
        "vacancies: {n} ({gross} before tax, {net} after)",
    ),
    "mkt.hover.bin": ("{low}–{high} ₽: {n}", "{low}–{high} ₽: {n}"),
    "mkt.hover.week": (
        "неделя с %{x|%-d %b}: медиана {median} ₽, вакансий {n}",
        "week of %{x|%-d %b}: median {median} ₽, {n} vacancies",
    ),
    "mkt.hover.employer": (
        "открыто {open} из {n}, с зарплатой {salary}",
        "open {open} of {n}, with a salary {salary}",
    ),
    "mkt.hover.lifetime": (
        "p25 {p25} · медиана {median} · p75 {p75} дн. · закрыто {n}",
        "p25 {p25} · median {median} · p75 {p75} days · {n} closed",
    ),
    "mkt.hover.n": ("вакансий: {n}", "vacancies: {n}"),
    "mkt.standing.none": (
        "Заполните профиль — желаемую зарплату, опыт, город и навыки, — "
        "и здесь появится, где вы на этом рынке.",
        "Fill in your profile (desired salary, experience, city and skills) to see where you stand here.",
    ),
    "mkt.standing.to_profile": ("Открыть профиль", "Open the profile"),
    "mkt.standing.any_grade": ("любой опыт", "any experience"),
    "mkt.standing.any_area": ("все города", "every city"),
    "mkt.standing.no_salary": ("В профиле нет желаемой зарплаты.", "Your profile has no desired salary."),
    "mkt.standing.no_peers": (
        "Вакансий с зарплатой для «{grade}», {area} за период нет — сравнить не с чем.",
        "No vacancies with a salary for “{grade}”, {area} in the period: nothing to compare with.",
    ),
    "mkt.standing.percentile": (
        "Ваши {salary} ₽ выше, чем предлагают {pct} % вакансий с опытом «{grade}», {area} (из {n}).",
        "Your {salary} ₽ is above what {pct} % of the vacancies for “{grade}”, {area} offer (of {n}).",
    ),
    "mkt.standing.skills": ("Ваши навыки и спрос", "Your skills against demand"),
    "mkt.standing.has": (
        "{skill} — в {pct} % ваших вакансий, в профиле есть",
        "{skill}: in {pct} % of your vacancies, in your profile",
    ),
    "mkt.standing.missing": (
        "{skill} — в {pct} % ваших вакансий, в профиле нет",
        "{skill}: in {pct} % of your vacancies, not in your profile",
    ),
    "mkt.empty": ("За этот период вакансий нет.", "No vacancies in this period."),
    "mkt.empty_help": (
        "Добавьте поиск на странице «Мои поиски»: вакансии загружаются каждый час "
        "(или сразу — командой jobhunter etl run), и здесь появятся графики. "
        "Можно также выбрать период длиннее или другие вакансии.",
        "Add a search on the My searches page: vacancies are harvested every hour "
        "(or at once with jobhunter etl run), and the charts appear here. "
        "You can also choose a longer period or other vacancies.",
    ),
    "mkt.to_searches": ("К поискам", "To my searches"),
    "mkt.to_vacancies": ("К вакансиям", "To the vacancies"),
    "mkt.not_yours": ("Такого поиска у вас нет.", "You have no such search."),
    "mkt.csv.grade": ("Опыт", "Experience"),
    "mkt.csv.area": ("Город", "City"),
    "mkt.csv.format": ("Формат", "Work format"),
    "mkt.csv.count": ("Вакансий", "Vacancies"),
    "mkt.csv.gross": ("До вычета", "Before tax"),
    "mkt.csv.net": ("На руки", "After tax"),
    "mkt.csv.p25": ("p25, ₽", "p25, ₽"),
    "mkt.csv.median": ("Медиана, ₽", "Median, ₽"),
    "mkt.csv.p75": ("p75, ₽", "p75, ₽"),
    "mkt.csv.low": ("От, ₽", "From, ₽"),
    "mkt.csv.high": ("До, ₽", "To, ₽"),
    "mkt.csv.week": ("Неделя с", "Week of"),
    "mkt.csv.vacancies": ("Вакансий", "Vacancies"),
    "mkt.csv.with_salary": ("С зарплатой", "With a salary"),
    "mkt.csv.without_salary": ("Без зарплаты", "Without a salary"),
    "mkt.csv.unknown_basis": ("Не сказано, до вычета или на руки", "Basis not said"),
    "mkt.csv.what": ("Что", "What"),
    "mkt.csv.day": ("День", "Day"),
    "mkt.csv.new": ("Новых", "New"),
    "mkt.csv.open": ("Открыто", "Open"),
    "mkt.csv.employer": ("Работодатель", "Employer"),
    "mkt.csv.closed": ("Закрыто", "Closed"),
    "mkt.csv.p25_days": ("p25, дн.", "p25, days"),
    "mkt.csv.median_days": ("Медиана, дн.", "Median, days"),
    "mkt.csv.p75_days": ("p75, дн.", "p75, days"),
    "mkt.csv.skill": ("Навык", "Skill"),
    "mkt.csv.share": ("Доля", "Share"),
    "mkt.csv.previous_share": ("Доля в прошлом периоде", "Share in the previous period"),
    "mkt.csv.change": ("Изменение, п. п.", "Change, points"),
    "mkt.csv.with_count": ("С навыком: вакансий", "With: vacancies"),
    "mkt.csv.with_median": ("С навыком: медиана, ₽", "With: median, ₽"),
    "mkt.csv.without_count": ("Без навыка: вакансий", "Without: vacancies"),
    "mkt.csv.without_median": ("Без навыка: медиана, ₽", "Without: median, ₽"),
}

EXPERIENCE_NAMES: dict[str, tuple[str, str]] = {
    "noExperience": ("Нет опыта", "No experience"),
    "between1And3": ("От 1 года до 3 лет", "1–3 years"),
    "between3And6": ("От 3 до 6 лет", "3–6 years"),
    "moreThan6": ("Более 6 лет", "More than 6 years"),
}
WORK_FORMAT_NAMES: dict[str, tuple[str, str]] = {
    "ON_SITE": ("На месте работодателя", "On site"),
    "REMOTE": ("Удалённо", "Remote"),
    "HYBRID": ("Гибрид", "Hybrid"),
    "FIELD_WORK": ("Разъездной", "Field work"),
}


def has_phrase(key: str) -> bool:
    return key in _PHRASES


def lang_of(value: Any) -> str:
    return value if value in LANGUAGES else DEFAULT


def t(key: str, lang: str = DEFAULT, **values: Any) -> str:
    """The phrase ``key`` in ``lang`` with ``{placeholders}`` filled in."""
    phrase = _PHRASES.get(key)
    text = key if phrase is None else (phrase[1] if lang == "en" and phrase[1] else phrase[0])
    return text.format(**values) if values else text


#: The CLDR locale of each interface language: the browser's ``Intl`` uses the same data, so a number
#: reads alike in a server-made text and in a grid cell ("2 984" in Russian, "2,984" in English).
LOCALES = {"ru": "ru_RU", "en": "en_GB"}


def number(value: float | None, lang: str) -> str:
    """``value`` with the language's digit grouping (a no-break space in Russian, a comma in
    English); an empty string for None."""
    if value is None:
        return ""
    return format_decimal(value, locale=LOCALES.get(lang, LOCALES[DEFAULT]))


def display_name(name: str | None, login: str, lang: str, *, is_demo: bool = False) -> str:
    """How a user is called on a page: the demo user by the phrase (its stored name is Russian)."""
    return t("demo.user", lang) if is_demo else (name or login)


def error_text(error: Exception, lang: str) -> str:
    """A :class:`core.errors.UserInputError` in the user's language (its English message when the
    catalogue has no phrase for its code)."""
    code = getattr(error, "code", None)
    if code and f"error.{code}" in _PHRASES:
        return t(f"error.{code}", lang, **getattr(error, "params", {}))
    return str(error)


def board(source: str, lang: str) -> str:
    """A vacancy board's name as the user reads it (hh.ru / Работа России / SuperJob)."""
    return sources.label(source, lang)


#: A board's name after «на» (Russian declines «Работа России»: «Открыть на «Работе России»»).
_BOARD_AFTER_NA = {"trudvsem": "«Работе России»"}


def board_on(source: str, lang: str) -> str:
    """A board's name in "Open on …", "Employer on …" (the prepositional case in Russian)."""
    if lang == "ru" and source in _BOARD_AFTER_NA:
        return _BOARD_AFTER_NA[source]
    return board(source, lang)


def boards(names: list[str], lang: str, *, after_na: bool = False) -> str:
    """Several boards' names, joined (``after_na``: as :func:`board_on` names them)."""
    return ", ".join((board_on if after_na else board)(name, lang) for name in names)


def name_of(names: dict[str, tuple[str, str]], key: str, lang: str) -> str:
    pair = names.get(key)
    return key if pair is None else pair[1 if lang == "en" else 0]


def experience_text(row: dict[str, Any], lang: str) -> str:
    """hh.ru's experience in the user's language (hh.ru's own Russian name for an id we don't know)."""
    key = row.get("experience_id")
    if key in EXPERIENCE_NAMES:
        return name_of(EXPERIENCE_NAMES, key, lang)
    return row.get("experience_name") or ""


def work_format_text(row: dict[str, Any], lang: str) -> str:
    """The work formats in the user's language, as in the grid's column."""
    ids = list(row.get("work_format_ids") or [])
    names = list(row.get("work_format_names") or [])
    labels = [
        name_of(WORK_FORMAT_NAMES, key, lang)
        if key in WORK_FORMAT_NAMES
        else (names[i] if i < len(names) else key)
        for i, key in enumerate(ids)
    ]
    return ", ".join(labels or names)


#: AG Grid's own texts in Russian (menus, filters, loading, paging), passed as ``localeText``.
AG_GRID_RU: dict[str, str] = {
    "selectAll": "(Выбрать все)",
    "selectAllSearchResults": "(Выбрать все результаты поиска)",
    "searchOoo": "Поиск...",
    "blanks": "(Пусто)",
    "noMatches": "Нет совпадений",
    "filterOoo": "Фильтр...",
    "equals": "Равно",
    "notEqual": "Не равно",
    "blank": "Пусто",
    "notBlank": "Не пусто",
    "empty": "Выберите...",
    "lessThan": "Меньше чем",
    "greaterThan": "Больше чем",
    "lessThanOrEqual": "Меньше или равно",
    "greaterThanOrEqual": "Больше или равно",
    "inRange": "Между",
    "inRangeStart": "от",
    "inRangeEnd": "до",
    "contains": "Содержит",
    "notContains": "Не содержит",
    "startsWith": "Начинается с",
    "endsWith": "Заканчивается на",
    "dateFormatOoo": "дд.мм.гггг",
    "before": "До",
    "after": "После",
    "andCondition": "И",
    "orCondition": "ИЛИ",
    "applyFilter": "Применить",
    "resetFilter": "Сбросить",
    "clearFilter": "Очистить",
    "cancelFilter": "Отмена",
    "textFilter": "Текстовый фильтр",
    "numberFilter": "Числовой фильтр",
    "dateFilter": "Фильтр по дате",
    "setFilter": "Фильтр по значениям",
    "filterSummaryInactive": "фильтр не задан",
    "columns": "Колонки",
    "filters": "Фильтры",
    "pinColumn": "Закрепить колонку",
    "pinLeft": "Закрепить слева",
    "pinRight": "Закрепить справа",
    "noPin": "Не закреплять",
    "autosizeThiscolumn": "Автоширина этой колонки",
    "autosizeAllColumns": "Автоширина всех колонок",
    "resetColumns": "Сбросить колонки",
    "columnFilter": "Фильтр колонки",
    "columnChooser": "Выбрать колонки",
    "chooseColumns": "Выбрать колонки",
    "sortAscending": "По возрастанию",
    "sortDescending": "По убыванию",
    "sortUnSort": "Без сортировки",
    "hideColumn": "Скрыть колонку",
    "loadingOoo": "Загрузка...",
    "loadingError": "Ошибка загрузки",
    "noRowsToShow": "Нет вакансий",
    "enabled": "Включено",
    "page": "Страница",
    "more": "ещё",
    "to": "–",
    "of": "из",
    "next": "Следующая",
    "last": "Последняя",
    "first": "Первая",
    "previous": "Предыдущая",
    "copy": "Копировать",
    "copyWithHeaders": "Копировать с заголовками",
    "ctrlC": "Ctrl+C",
    "paste": "Вставить",
    "ctrlV": "Ctrl+V",
    "export": "Экспорт",
    "csvExport": "Экспорт в CSV",
    "ariaChecked": "отмечено",
    "ariaColumn": "Колонка",
    "ariaFilterInput": "Поле фильтра",
    "ariaFilterValue": "Значение фильтра",
    "ariaFilteringOperator": "Оператор фильтра",
    "ariaSearch": "Поиск",
    "ariaSortableColumn": "Нажмите Enter для сортировки",
    "ariaMenuColumn": "Нажмите Alt+Вниз, чтобы открыть меню колонки",
    "ariaFilterColumn": "Нажмите Ctrl+Enter, чтобы открыть фильтр",
}
