export interface Errors {
  username?: string;
  password?: string;
  form?: string;
}

const sentence = (s: string) => {
  const t = s.trim();
  return t ? `${t[0]!.toUpperCase()}${t.slice(1)}${/[.!?]$/.test(t) ? '' : '.'}` : t;
};

/**
 * The server names the field in each problem ("body.password: at least 10 characters; ..."): put
 * each message under its field, the first per field, and anything else above the form.
 */
export function fieldErrors(err: { code: string; message: string }): Errors {
  if (err.code === 'setup.done') return { form: 'Pulse is already set up. Sign in with the existing administrator account.' };
  const out: Errors = {};
  for (const part of err.message.split(/;\s*/)) {
    const m = /^(?:body\.)?(username|password)\s*:\s*(.+)$/i.exec(part.trim());
    const field = m?.[1]?.toLowerCase() as 'username' | 'password' | undefined;
    if (field && m) out[field] ??= sentence(m[2]!);
    else if (/password/i.test(part)) out.password ??= sentence(part);
    else if (/username/i.test(part)) out.username ??= sentence(part);
    else out.form ??= sentence(part);
  }
  return out;
}
