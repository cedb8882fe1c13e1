import { defineGroup } from '../define.js';
import { login } from './login.js';
import { logout } from './logout.js';
import { status } from './status.js';

export const auth = defineGroup({
  name: 'auth',
  summary: 'store and check API client credentials',
  verbs: [login, logout, status],
});
