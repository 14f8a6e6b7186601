// Trở Về — small progressive enhancements; every page works without them.
document.addEventListener("change", function (event) {
  var target = event.target;
  if (target.matches && target.matches("select[data-autosubmit]")) {
    target.form.submit();
  }
});

// Background job pages: ask for the job's progress every two seconds until it is finished, then reload the page once
// so that the result link and summary appear.
(function () {
  var box = document.querySelector("[data-job-status]");
  if (!box || box.hasAttribute("data-finished") || !window.fetch) {
    return;
  }
  function field(name) {
    return box.querySelector('[data-job-field="' + name + '"]');
  }
  function poll() {
    fetch(box.getAttribute("data-job-status"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (job) {
        if (!job) { return; }
        if (job.finished) { window.location.reload(); return; }
        field("status_display").textContent = job.status_display;
        if (job.percent !== null) { field("percent").value = job.percent; }
        field("counts").textContent = job.total ? job.done + " / " + job.total : (job.done ? String(job.done) : "");
        field("message").textContent = job.message;
        window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
