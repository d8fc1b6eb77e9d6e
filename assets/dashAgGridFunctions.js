/* Value formatters for the grids (referred to as {"function": "jhMoney(params.value)"}). */
var dagfuncs = (window.dashAgGridFunctions = window.dashAgGridFunctions || {});

(function () {
  const lang = () => (document.documentElement.lang === "en" ? "en-GB" : "ru-RU");
  const money = {};
  const dates = {};

  dagfuncs.jhMoney = function (value) {
    if (value === null || value === undefined || value === "") return "";
    const key = lang();
    money[key] = money[key] || new Intl.NumberFormat(key, { maximumFractionDigits: 0 });
    return money[key].format(value);
  };

  /* Counts read like the server's texts (webapp.i18n.number): "1 234" in Russian, "1,234" in English. */
  dagfuncs.jhNumber = dagfuncs.jhMoney;

  /* The user's time zone (the layout's #jh-zone), the one the server's texts use too. */
  const zone = () => {
    const element = document.getElementById("jh-zone");
    return (element && element.dataset.zone) || "Europe/Moscow";
  };

  dagfuncs.jhDateTime = function (value) {
    if (!value) return "";
    const key = lang() + " " + zone();
    dates[key] =
      dates[key] ||
      new Intl.DateTimeFormat(lang(), {
        day: "2-digit",
        month: "2-digit",
        year: "numeric",
        hour: "2-digit",
        minute: "2-digit",
        timeZone: zone(),
      });
    const when = new Date(value);
    return isNaN(when) ? "" : dates[key].format(when);
  };

  /* A harvest window "02.12.2026 10:00–11:00" (the end's date only when it is another day). */
  dagfuncs.jhWindow = function (start, end) {
    if (!start || !end) return "";
    const from = dagfuncs.jhDateTime(start);
    const to = dagfuncs.jhDateTime(end);
    if (!from || !to) return "";
    const sameDay = from.slice(0, 10) === to.slice(0, 10);
    return from + "–" + (sameDay ? to.slice(-5) : to);
  };

  /* A list of ids as their labels, joined (hh.ru's own name for an id without a label). */
  dagfuncs.jhLabels = function (values, labels, data) {
    if (!Array.isArray(values)) return "";
    const names = (data && data.work_format_names) || [];
    return values.map((v, i) => (labels && labels[v]) || names[i] || String(v)).join(", ");
  };

  dagfuncs.jhLabel = function (value, labels) {
    if (value === null || value === undefined) return "";
    return (labels && labels[value]) || String(value);
  };
})();
