/** Routes that need no sign-in: the blank template and the rubric are public campaign material. */
import { Router } from 'express';
import { cachedTemplate } from '../../core/node/workbook/build';
import { currentRubric, rubricJson } from '../../core/rubric';
import { templateProjects } from './common';

export function publicRouter(): Router {
  const r = Router();
  r.get('/template.xlsx', async (req, res) => {
    const bytes = await cachedTemplate(templateProjects(req));
    res.attachment('红色工地申报工作簿.xlsx').send(bytes);
  });
  r.get('/rubric', (_req, res) => {
    res.json(rubricJson(currentRubric()));
  });
  return r;
}
