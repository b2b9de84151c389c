// Function file of the ribbon button: the button only opens the task pane, so Office needs no functions here.
// Office.js may be missing (no network to Microsoft's CDN, or opened outside Office): then there is nothing to do.
if (typeof Office !== 'undefined') Office.onReady(() => {});
