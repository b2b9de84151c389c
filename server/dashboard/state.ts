/** Who is signed in, shared by the dashboard's views. */
import type { Actor } from '../../core/policy';

export interface Me extends Actor {
  roleLabel: string;
}

export const state: { me?: Me } = {};

export function me(): Me {
  if (!state.me) throw new Error('请先登录');
  return state.me;
}
