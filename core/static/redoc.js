// Starts ReDoc on the contract named by the page (no inline script: the page's CSP forbids it).
// ReDoc 3's bundle is an ES module: imported from the URL the page names, so that its version
// is said in one place (core/explorer.py).
const root = document.getElementById("redoc");
const { init } = await import(root.getAttribute("data-bundle"));
init(root.getAttribute("data-contract"), { expandResponses: "200,201" }, root);
