// The pages' few behaviours, bound by data attributes: the Content-Security-Policy allows no
// inline script or event handler (script-src 'self'), so none is written in a template.
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    if (!target) return;
    if (target.closest("[data-menu-toggle]")) {
      document.body.classList.toggle("menu-open");
    }
    if (target.closest("[data-print]")) {
      window.print();
    }
    var copy = target.closest("[data-copy]");
    if (copy && navigator.clipboard) {
      var source = document.getElementById(copy.getAttribute("data-copy"));
      if (source) {
        navigator.clipboard.writeText(source.textContent).then(function () {
          copy.textContent = "已复制";
        });
      }
    }
  });

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (!(target instanceof HTMLSelectElement) || !target.form) return;
    if (target.hasAttribute("data-autosubmit")) {
      target.form.submit();
    }
    if (target.hasAttribute("data-split-subject")) {
      // "<kind>:<person>" into the form's two hidden fields
      var parts = target.value.split(":");
      target.form.elements.namedItem("kind").value = parts[0];
      target.form.elements.namedItem("person").value = parts[1];
    }
  });

  // data-confirm on a form, or on the button that sends it (one form, several actions).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    var button = event.submitter;
    var text = button && button.hasAttribute("data-confirm") ?
      button.getAttribute("data-confirm") : form.getAttribute("data-confirm");
    if (text && !window.confirm(text)) event.preventDefault();
  });

  // A list's "select all" box (data-check-all="<checkbox name>") and its count
  // (data-check-count="<checkbox name>").
  function boxes(form, name) {
    return form ? form.querySelectorAll('input[type=checkbox][name="' + name + '"]') : [];
  }
  function recount(form, name) {
    var n = 0;
    boxes(form, name).forEach(function (box) { if (box.checked) n += 1; });
    form.querySelectorAll('[data-check-count="' + name + '"]').forEach(function (el) {
      el.textContent = String(n);
    });
  }
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (!(target instanceof HTMLInputElement) || !target.form) return;
    var all = target.getAttribute("data-check-all");
    if (all) {
      boxes(target.form, all).forEach(function (box) { box.checked = target.checked; });
      recount(target.form, all);
    } else if (target.type === "checkbox" && target.name) {
      recount(target.form, target.name);
    }
  });

  // A search box inside a form: Enter searches (htmx) and does not send the form.
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.key === "Enter" && target instanceof Element &&
        target.hasAttribute("data-no-enter-submit")) {
      event.preventDefault();
    }
  });

  // A long select (data-filter="<placeholder>"): a search box before it hides the options
  // whose text does not contain what is typed, and picks the first one still shown.
  function filterable() {
    document.querySelectorAll("select[data-filter]").forEach(function (select) {
      if (select.options.length < 12 || select.previousElementSibling &&
          select.previousElementSibling.classList.contains("select-filter")) return;
      var box = document.createElement("input");
      box.type = "search";
      box.className = "select-filter";
      box.placeholder = select.getAttribute("data-filter") || "查找";
      box.setAttribute("aria-label", box.placeholder);
      box.setAttribute("data-no-enter-submit", "");
      select.parentNode.insertBefore(box, select);
      box.addEventListener("input", function () {
        var q = box.value.trim();
        var first = null;
        Array.prototype.forEach.call(select.options, function (option) {
          var show = !q || option.value === "" || option.text.indexOf(q) !== -1;
          option.hidden = !show;
          if (show && option.value !== "" && first === null) first = option;
        });
        var current = select.options[select.selectedIndex];
        if (q && first && (!current || current.hidden || current.value === "")) {
          select.value = first.value;
        }
      });
    });
  }

  // The rater's page: a ballot code arrives in the link's #fragment (never sent to the server);
  // put it in the form and take it out of the address bar and history.
  function codeFromHash() {
    var field = document.querySelector("input[data-code-from-hash]");
    var code = decodeURIComponent(location.hash.replace(/^#/, ""));
    if (field && code) {
      field.value = code;
      history.replaceState(null, "", location.pathname);
    }
  }
  // The org tree (org/_tree_nodes.html): a node's button shows or hides its children; the
  // first opening fetches them (htmx, hx-trigger="click once"), later ones only toggle.
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest(".tree-toggle") : null;
    if (!button) return;
    var list = button.parentNode.querySelector(":scope > ul");
    if (!list) return;
    var open = button.getAttribute("aria-expanded") !== "true";
    list.hidden = !open;
    button.setAttribute("aria-expanded", open ? "true" : "false");
    button.textContent = open ? "\u25BE" : "\u25B8";
    button.setAttribute("aria-label", button.getAttribute("aria-label")
      .replace(open ? "展开" : "收起", open ? "收起" : "展开"));
  });

  // The body picker (core/_body_picker.html): choosing a result puts its id in the hidden
  // input and its name in the box; typing (or the box's own clear button) clears the id, and
  // the server then reads the typed name, as it does without JS.
  document.addEventListener("click", function (event) {
    var choice = event.target.closest ? event.target.closest("[data-body-pick]") : null;
    var picker = choice ? choice.closest(".body-picker") : null;
    if (!picker) return;
    var box = picker.querySelector("input.picker-search");
    picker.querySelector("input[type=hidden]").value = choice.getAttribute("data-body-pick");
    box.value = choice.getAttribute("data-name");
    picker.querySelector(".picker-results").innerHTML = "";
    if (picker.hasAttribute("data-submit-on-pick") && picker.closest("form")) {
      picker.closest("form").requestSubmit();
      return;
    }
    box.focus();
  });
  document.addEventListener("click", function (event) {  // a click elsewhere closes the list
    document.querySelectorAll(".body-picker .picker-results").forEach(function (results) {
      if (!results.parentNode.contains(event.target)) results.innerHTML = "";
    });
  });
  document.addEventListener("input", function (event) {
    var box = event.target;
    if (!box.classList || !box.classList.contains("picker-search")) return;
    var picker = box.closest(".body-picker");
    var id = picker ? picker.querySelector("input[type=hidden]") : null;
    if (id) id.value = "";
  });

  function ready() {
    codeFromHash();
    filterable();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }

  // A form's one-time token (dangjian/core/once.py). The server renders a new one each time
  // the page is fetched, and the browser fetches the page again when the user goes Back: the
  // token sent from this tab is kept (sessionStorage) and put back into the same form when the
  // page is reached by Back or Forward, so sending it again is recognised as a repeat.
  function onceKey(input) {
    var all = document.querySelectorAll("input[name=form_once]");
    return "form_once:" + location.pathname + ":" + Array.prototype.indexOf.call(all, input);
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || !(form instanceof HTMLFormElement)) return;
    var input = form.querySelector("input[name=form_once]");
    try {
      if (input) sessionStorage.setItem(onceKey(input), input.value);
    } catch (e) { /* storage refused: the token still guards a double click */ }
  });
  function onceRestore() {
    var nav = performance.getEntriesByType ? performance.getEntriesByType("navigation")[0] : null;
    if (!nav || nav.type !== "back_forward") return;
    document.querySelectorAll("input[name=form_once]").forEach(function (input) {
      try {
        var kept = sessionStorage.getItem(onceKey(input));
        if (kept) input.value = kept;
      } catch (e) { /* storage refused */ }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", onceRestore);
  } else {
    onceRestore();
  }
})();
