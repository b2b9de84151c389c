/** The 观摩 shortlist from the latest version of every submission (the server's routes and `redsite showcase`). */
import type { DB } from './db';
import { latestEntries } from './submissions';
import { resolveEntries } from '../core/identity';
import { buildShowcase, type ShowcaseOptions } from '../core/showcase';
import { currentRubric } from '../core/rubric';

export function showcaseOf(db: DB, opts: ShowcaseOptions) {
  // A project in two submissions of one unit (重复项目) is a candidate once, from the later submission.
  const { counted } = resolveEntries(latestEntries(db));
  const candidates = counted.flatMap(({ entry: e, projects }) => projects.map((project) => ({ submissionId: e.id, reporter: e.submission.reporter, project, state: e.state })));
  return buildShowcase(candidates, currentRubric(), opts);
}
