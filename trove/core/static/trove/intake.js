// The intake form: keep a draft on the server and show what is wrong while the officer types.
(function () {
  var form = document.getElementById("intake-form");
  if (!form || !window.fetch) { return; }
  var url = form.getAttribute("data-autosave-url");
  var status = form.querySelector("[data-draft-status]");
  var touched = {};
  var timer = null;

  function showErrors(errors) {
    form.querySelectorAll("[data-error-for]").forEach(function (slot) {
      var name = slot.getAttribute("data-error-for");
      slot.textContent = touched[name] && errors[name] ? errors[name].join(" ") : "";
    });
  }

  function save() {
    fetch(url, { method: "POST", body: new FormData(form), credentials: "same-origin",
                 headers: { "X-Requested-With": "fetch" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (body) {
        if (!body) { return; }
        if (status) { status.textContent = status.getAttribute("data-saved-label").replace("%s", body.saved_at); }
        showErrors(body.errors || {});
      })
      .catch(function () { /* Offline: the form still submits normally. */ });
  }

  form.addEventListener("change", function (event) {
    if (event.target.name) { touched[event.target.name] = true; }
    if (event.target.name === "channel") { touched.country_returned_from = true; touched.source_reference = true; }
    clearTimeout(timer);
    timer = setTimeout(save, 600);
  });
})();
