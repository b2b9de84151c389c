// Function file of the ribbon button: the button only opens the task pane, so Office needs no functions here.
Office.onReady(() => {});
