// Enhancements only: every page works without JavaScript.
//
// Loaded as an external module (<script type="module">), never inline, so that a
// Content-Security-Policy without 'unsafe-inline' is enough. Browsers that cannot run
// modules never get here, and GOV.UK Frontend's enhanced styles stay off for them.
import { initAll } from "../build/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
