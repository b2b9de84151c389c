/** /api/v1/me: who is signed in, and the blank workbook for this account. */
import { Router } from 'express';
import { ROLE_LABELS } from '../model';
import { prefilledTemplate } from '../../core/node/workbook/prefill';
import { templateProjects } from './common';

export function meRouter(): Router {
  const r = Router();
  r.get('/', (req, res) => {
    const a = req.actor!;
    res.json({ ...a, roleLabel: ROLE_LABELS[a.role] });
  });
  // The blank workbook for the signed-in account: a unit's carries its 填报单位 and 旗县区, a district's its 旗县区.
  r.get('/template.xlsx', async (req, res) => {
    const a = req.actor!;
    const bytes = await prefilledTemplate({ unit: a.role === 'unit' ? a.unit : undefined, district: a.district, projects: templateProjects(req) });
    res.attachment(a.role === 'unit' && a.unit ? `红色工地申报工作簿（${a.unit}）.xlsx` : '红色工地申报工作簿.xlsx').send(bytes);
  });
  return r;
}
