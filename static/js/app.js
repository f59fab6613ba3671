// Progressive enhancement only: every page works without this file.
// Loaded as a module, so it runs only in browsers GOV.UK Frontend supports.
import { initAll } from "../govuk/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();

// A report being made in the background: show when it is ready without "Check again".
if (document.getElementById("report-job")) {
  import("./report-job.js").catch(() => {});
}
