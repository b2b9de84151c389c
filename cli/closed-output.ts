/**
 * Output nobody reads any more: stdout or stderr is a pipe whose reader has exited (`npm start | head -1`, a log
 * collector that stopped). Every write then fails with EPIPE, which Node reports as an 'error' event on the stream;
 * with no listener that ends the process. console.log copes with a single such failure but not with the next one, so
 * `redsite serve` whose banner had already met the closed pipe crashed in its stop handler, before it closed the
 * database and released the data folder. For a server the output is a side matter: what it would have printed is
 * lost, and it goes on serving and stops cleanly. (pino, the request log, already ignores EPIPE on its own stream.)
 */
export function ignoreClosedOutput(streams: readonly NodeJS.WriteStream[] = [process.stdout, process.stderr]): void {
  for (const stream of streams) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      // Any other failure stays what it was without this listener: an uncaught error.
      if (err.code !== 'EPIPE') throw err;
    });
  }
}
