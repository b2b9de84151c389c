/** What a request hands the worker pool about itself: whose job it is (fairness) and when its client went away. */
import type { Request, Response } from 'express';
import type { JobOptions } from '../core/node/workbook/pool';

export function jobOptions(req: Request, res: Response): JobOptions {
  const controller = new AbortController();
  // A client that disconnects before its answer is ready frees its place in the queue (or its worker).
  res.once('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  return { account: req.actor ? `user:${req.actor.id}` : `ip:${req.ip ?? ''}`, signal: controller.signal };
}
