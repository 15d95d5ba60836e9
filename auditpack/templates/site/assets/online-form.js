/* auditpack online form: keeps answers in this browser and saves them as a file for `auditpack collate`.
 *
 * Why it works this way:
 * - No server: the site must work offline and from a folder opened with file://, so answers stay in
 *   localStorage (per programme, questionnaire and content version) until the person saves a file.
 * - No names: the file holds the answers, any comments, and a random response id. The id lets
 *   collate count a response once even if it was saved twice; "revision" counts changes, so the
 *   latest save wins.
 * - Plain radio buttons and buttons do the work, so keyboards and screen readers need nothing extra.
 * The file format is described in auditpack/collate/online_export.py.
 */
(function () {
  "use strict";

  var form = document.getElementById("auditpack-form");
  if (!form) { return; }
  var data = form.dataset;
  var messages = JSON.parse(data.messages || "{}"); // the page's language; see render/online_form.py
  var progress = document.getElementById("ap-progress");
  var status = document.getElementById("ap-status");
  var storage = null;
  try {
    storage = window.localStorage;
    storage.setItem(data.storageKey + ":test", "1");
    storage.removeItem(data.storageKey + ":test");
  } catch (error) {
    storage = null;
  }

  function newId() {
    var bytes = new Uint8Array(8);
    if (window.crypto && window.crypto.getRandomValues) {
      window.crypto.getRandomValues(bytes);
    } else {
      for (var i = 0; i < bytes.length; i += 1) { bytes[i] = Math.floor(Math.random() * 256); }
    }
    return "r-" + Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function emptyState() {
    return { response_id: newId(), revision: 0, answers: {}, comments: {}, record: {}, rater: "individual" };
  }

  function load() {
    if (!storage) { return emptyState(); }
    try {
      var saved = JSON.parse(storage.getItem(data.storageKey) || "null");
      if (saved && typeof saved.response_id === "string" && saved.answers && saved.comments) {
        saved.record = saved.record || {};  // saved before the form had record columns
        saved.rater = saved.rater === "group" ? "group" : "individual";
        return saved;
      }
    } catch (error) { /* unreadable: start again */ }
    return emptyState();
  }

  var state = load();

  function persist() {
    if (!storage) { return; }
    try {
      storage.setItem(data.storageKey, JSON.stringify(state));
    } catch (error) {
      say(messages.notKept);
    }
  }

  function say(message) {
    status.textContent = "";
    window.setTimeout(function () { status.textContent = message; }, 50); // re-announce the same message
  }

  function radios() {
    return Array.prototype.slice.call(form.querySelectorAll("input[type=radio][name^='item:']"));
  }

  function questionNames() {
    var names = [];
    radios().forEach(function (input) {
      if (names.indexOf(input.name) < 0) { names.push(input.name); }
    });
    return names;
  }

  function parts(name) {
    var split = name.split(":");
    return { item: split[1], dimension: split[2] };
  }

  function showProgress() {
    var names = questionNames();
    var answered = names.filter(function (name) {
      var p = parts(name);
      return state.answers[p.item] && state.answers[p.item][p.dimension];
    }).length;
    progress.textContent = answered + " of " + names.length + " questions answered.";
  }

  function restore() {
    radios().forEach(function (input) {
      var p = parts(input.name);
      input.checked = Boolean(state.answers[p.item] && state.answers[p.item][p.dimension] === input.value);
    });
    form.querySelectorAll("textarea[name^='comments:']").forEach(function (box) {
      box.value = state.comments[box.name.slice("comments:".length)] || "";
    });
    form.querySelectorAll("[name^='record:']").forEach(function (field) {
      var p = parts(field.name);
      field.value = (state.record[p.item] && state.record[p.item][p.dimension]) || "";
    });
    form.querySelectorAll("input[name='rater']").forEach(function (input) {
      input.checked = input.value === state.rater;
    });
    showProgress();
  }

  function keepRecord(field) {  // a record column beside a statement: parts() reads its column as "dimension"
    var p = parts(field.name);
    state.record[p.item] = state.record[p.item] || {};
    state.record[p.item][p.dimension] = field.value;
    state.revision += 1;
    persist();
  }

  form.addEventListener("change", function (event) {
    var input = event.target;
    if (input.name === "rater") {
      state.rater = input.value === "group" ? "group" : "individual";
      state.revision += 1;
      persist();
      return;
    }
    if (input.tagName === "SELECT" && input.name.indexOf("record:") === 0) { keepRecord(input); return; }
    if (input.type !== "radio" || input.name.indexOf("item:") !== 0) { return; }
    var p = parts(input.name);
    state.answers[p.item] = state.answers[p.item] || {};
    state.answers[p.item][p.dimension] = input.value;
    state.revision += 1;
    persist();
    showProgress();
  });

  form.addEventListener("input", function (event) {
    var box = event.target;
    if (box.tagName === "TEXTAREA" && box.name.indexOf("record:") === 0) { keepRecord(box); return; }
    if (box.tagName !== "TEXTAREA" || box.name.indexOf("comments:") !== 0) { return; }
    state.comments[box.name.slice("comments:".length)] = box.value;
    state.revision += 1;
    persist();
  });

  function exportDocument() {
    var answers = {};
    questionNames().forEach(function (name) {  // page order, so saved files read in the form's order
      var p = parts(name);
      var value = state.answers[p.item] && state.answers[p.item][p.dimension];
      if (value) {
        answers[p.item] = answers[p.item] || {};
        answers[p.item][p.dimension] = value;
      }
    });
    var comments = {};
    Object.keys(state.comments).sort().forEach(function (section) {
      if (state.comments[section].trim()) { comments[section] = state.comments[section]; }
    });
    var record = {};
    form.querySelectorAll("[name^='record:']").forEach(function (field) {  // page order
      var p = parts(field.name);
      var value = state.record[p.item] && state.record[p.item][p.dimension];
      if (value && value.trim()) {
        record[p.item] = record[p.item] || {};
        record[p.item][p.dimension] = value;
      }
    });
    var exported = {
      format: data.format,
      format_version: Number(data.formatVersion),
      programme: data.programme,
      questionnaire: data.questionnaire,
      audience: data.audience,  // absent (so not saved) on a questionnaire without audiences
      version: data.version,
      response_id: state.response_id,
      revision: state.revision,
      answers: answers,
      comments: comments
    };
    if (Object.keys(record).length) { exported.record = record; }
    if (state.rater === "group") { exported.rater = "group"; }
    return exported;
  }

  function save() {
    var doc = exportDocument();
    var count = Object.keys(doc.answers).reduce(function (n, item) {
      return n + Object.keys(doc.answers[item]).length;
    }, 0);
    if (count === 0) {
      say(messages.nothing);
      return;
    }
    var blob = new Blob([JSON.stringify(doc, null, 2) + "\n"], { type: "application/json" });
    var link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = data.questionnaire + "-response-" + state.response_id.slice(2, 10) + ".json";
    document.body.appendChild(link);
    link.click();
    window.setTimeout(function () {
      URL.revokeObjectURL(link.href);
      link.remove();
    }, 1000);
    say(messages.saved.replace("{count}", String(count)).replace("{file}", link.download));
  }

  function clear() {
    if (!window.confirm(messages.confirmClear)) {
      return;
    }
    state = emptyState();
    if (storage) { storage.removeItem(data.storageKey); }
    restore();
    say(messages.cleared);
  }

  form.addEventListener("click", function (event) {
    var action = event.target.closest("button[data-action]");
    if (!action) { return; }
    event.preventDefault();
    if (action.dataset.action === "save") { save(); }
    if (action.dataset.action === "clear") { clear(); }
  });
  form.addEventListener("submit", function (event) { event.preventDefault(); });

  restore();
  if (!storage) {
    say(messages.noStorage);
  }
}());
