/* Cell renderers and the multi-select column filter. Built with React.createElement only:
   every value is rendered as text, never as HTML. */
var dagcomponentfuncs = (window.dashAgGridComponentFunctions = window.dashAgGridComponentFunctions || {});

(function () {
  const h = React.createElement;
  const isEn = () => document.documentElement.lang === "en";

  function safeUrl(url) {
    return typeof url === "string" && /^https?:\/\//i.test(url) ? url : null;
  }

  dagcomponentfuncs.EmployerCell = function (props) {
    const data = props.data || {};
    const [broken, setBroken] = React.useState(false);
    const name = data.employer_name || "";
    const logo = safeUrl(data.employer_logo_url);
    const badge =
      logo && !broken
        ? h("img", {
            src: logo,
            alt: "",
            className: "jh-logo-img",
            loading: "lazy",
            referrerPolicy: "no-referrer",
            onError: () => setBroken(true),
          })
        : h("span", { className: "jh-logo-fallback", "aria-hidden": "true" }, name.slice(0, 1).toUpperCase());
    return h("span", { className: "jh-employer" }, name ? badge : null, h("span", { className: "jh-ellipsis" }, name));
  };

  dagcomponentfuncs.TitleCell = function (props) {
    const data = props.data;
    if (!data) return h("span", { className: "jh-loading" }, "…");
    return h(
      "span",
      { className: "jh-title" + (data.hidden ? " jh-hidden-row" : "") },
      h("span", { className: "jh-ellipsis" }, data.name),
      data.archived ? h("span", { className: "badge text-bg-secondary ms-1" }, isEn() ? "archived" : "архив") : null
    );
  };

  /* The vacancy's board, and "also on SuperJob" when the row stands for a duplicate group
     (both texts come from the server in the user's language). */
  dagcomponentfuncs.SourceCell = function (props) {
    const data = props.data;
    if (!data || !data.source) return null;
    const also = data.also_on_label || "";
    return h(
      "span",
      { className: "jh-source-cell", title: also ? data.source_label + " · " + also : data.source_label },
      h("span", { className: "badge jh-source jh-source-" + data.source }, data.source_label || data.source),
      also ? h("span", { className: "jh-also-on jh-ellipsis" }, also) : null
    );
  };

  dagcomponentfuncs.FavouriteCell = function (props) {
    if (!props.data) return null;
    const on = !!props.value;
    const label = isEn() ? (on ? "Remove from favourites" : "Add to favourites") : on ? "Убрать из избранного" : "В избранное";
    return h(
      "span",
      { className: "jh-star" + (on ? " jh-star-on" : ""), title: label, role: "button", "aria-label": label, "aria-pressed": on },
      on ? "★" : "☆"
    );
  };

  /* -- match score: grid and details. The score as a small bar and its number; an unscored
     vacancy (no profile yet) shows nothing, not 0. */
  dagcomponentfuncs.ScoreCell = function (props) {
    const value = props.value;
    if (!props.data || value === null || value === undefined) return null;
    const score = Math.max(0, Math.min(100, Number(value)));
    const good = props.good || 70;
    const level = score >= good ? "good" : score >= 40 ? "fair" : "poor";
    const label = (props.label || "") + ": " + score;
    return h(
      "span",
      { className: "jh-score", title: label },
      // the number first: on a phone only the column's start may be in view
      h("span", { className: "jh-score-value" }, String(score)),
      h(
        "span",
        { className: "jh-bar", role: "meter", "aria-valuemin": 0, "aria-valuemax": 100, "aria-valuenow": score, "aria-label": label },
        h("span", { className: "jh-bar-fill jh-bar-" + level, style: { width: score + "%" } })
      )
    );
  };

  dagcomponentfuncs.HiddenCell = function (props) {
    if (!props.data || !props.value) return null;
    return h("span", { className: "badge text-bg-warning" }, isEn() ? "hidden" : "скрыта");
  };

  dagcomponentfuncs.StatusCell = function (props) {
    const colours = { success: "success", partial: "warning", running: "info" };
    const names = {
      ru: { running: "идёт", success: "успешно", partial: "частично", failed: "ошибка", captcha: "капча", auth: "нет доступа" },
      en: { running: "running", success: "success", partial: "partial", failed: "failed", captcha: "captcha", auth: "no access" },
    };
    if (!props.value) return null;
    const text = names[isEn() ? "en" : "ru"][props.value] || props.value;
    return h("span", { className: "badge text-bg-" + (colours[props.value] || "danger") }, text);
  };

  /* A checkbox list filter; its model is {filterType: "multi", values: [...]}, or null for "all".
     Filtering itself happens on the server (infinite row model). */
  dagcomponentfuncs.MultiFilter = function (props) {
    const params = props.colDef.filterParams || {};
    const options = params.values || [];
    const model = props.model;
    const [search, setSearch] = React.useState("");
    const chosen = model && Array.isArray(model.values) ? model.values : null;
    const isChosen = (v) => chosen === null || chosen.indexOf(v) >= 0;

    function update(values) {
      const all = values.length === options.length;
      props.onModelChange(all ? null : { filterType: "multi", values: values });
    }
    function toggle(value) {
      const current = chosen === null ? options.map((o) => o.value) : chosen.slice();
      const at = current.indexOf(value);
      if (at >= 0) current.splice(at, 1);
      else current.push(value);
      update(current);
    }
    const needle = search.trim().toLowerCase();
    const shown = needle ? options.filter((o) => String(o.label).toLowerCase().indexOf(needle) >= 0) : options;
    const allLabel = isEn() ? "(Select all)" : "(Выбрать все)";
    return h(
      "div",
      { className: "jh-multi-filter" },
      options.length > 8
        ? h("input", {
            className: "form-control form-control-sm mb-2",
            placeholder: params.search || "…",
            value: search,
            onChange: (e) => setSearch(e.target.value),
          })
        : null,
      h(
        "label",
        { className: "jh-multi-option fw-semibold" },
        h("input", {
          type: "checkbox",
          checked: chosen === null,
          onChange: () => (chosen === null ? update([]) : props.onModelChange(null)),
        }),
        " ",
        allLabel
      ),
      h(
        "div",
        { className: "jh-multi-list" },
        shown.map((o) =>
          h(
            "label",
            { key: String(o.value), className: "jh-multi-option" },
            h("input", { type: "checkbox", checked: isChosen(o.value), onChange: () => toggle(o.value) }),
            " ",
            String(o.label)
          )
        )
      )
    );
  };
})();
