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

  dagfuncs.jhDateTime = function (value) {
    if (!value) return "";
    const key = lang();
    dates[key] =
      dates[key] ||
      new Intl.DateTimeFormat(key, {
        day: "2-digit",
        month: "2-digit",
        year: "numeric",
        hour: "2-digit",
        minute: "2-digit",
        timeZone: "Europe/Moscow",
      });
    const when = new Date(value);
    return isNaN(when) ? "" : dates[key].format(when);
  };

  dagfuncs.jhLabel = function (value, labels) {
    if (value === null || value === undefined) return "";
    return (labels && labels[value]) || String(value);
  };
})();
