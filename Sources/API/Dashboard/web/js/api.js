// Every request of the dashboard goes through here: same origin only, and one place to add the
// caller's credentials (an Authorization header on every request, tiles included, through
// MapLibre's transformRequest). The token is the one POST /auth/login answered, kept in
// localStorage under 'shikong.token'; without one the dashboard reads public data anonymously.
function storedAuthorization() {
  try {
    const token = localStorage.getItem('shikong.token');
    return token ? `Bearer ${token}` : null;
  } catch {
    return null;
  }
}

let authorization = storedAuthorization();

export function setAuthorization(value) {
  authorization = value;
}

/** Signs in (POST /auth/login) and keeps the token for this browser; false when refused. */
export async function signIn(name, password) {
  const response = await fetch(url('/auth/login'), {
    method: 'POST', body: JSON.stringify({ name, password }), headers: { 'Content-Type': 'application/json' },
  });
  if (!response.ok) return false;
  const token = (await response.json()).access_token;
  localStorage.setItem('shikong.token', token);
  authorization = `Bearer ${token}`;
  return true;
}

/** Signs out: revokes the token (POST /auth/logout) and forgets it. */
export async function signOut() {
  if (authorization) await fetch(url('/auth/logout'), { method: 'POST', headers: headers() }).catch(() => {});
  localStorage.removeItem('shikong.token');
  authorization = null;
}

export function headers(extra = {}) {
  return authorization ? { ...extra, Authorization: authorization } : extra;
}

/** A same-origin URL for `path` with `params` (null and undefined left out). */
export function url(path, params = {}) {
  const target = new URL(path, location.origin);
  for (const [name, value] of Object.entries(params)) if (value !== null && value !== undefined && value !== '') target.searchParams.set(name, value);
  return target.toString();
}

async function request(path, params, options = {}) {
  const response = await fetch(url(path, params), { ...options, headers: headers(options.headers) });
  if (!response.ok) {
    let detail = response.statusText;
    try { detail = (await response.json()).detail ?? detail; } catch { /* not a problem body */ }
    const error = new Error(detail);
    error.status = response.status;
    throw error;
  }
  return response;
}

export const getJSON = async (path, params) => (await request(path, params)).json();
export const getText = async (path, params) => (await request(path, params)).text();
export const postJSON = async (path, body, params) =>
  (await request(path, params, { method: 'POST', body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } })).json();

/** For MapLibre: adds the credentials to tile requests of this origin. */
export function transformRequest(resource) {
  if (authorization && resource.startsWith(location.origin)) return { url: resource, headers: { Authorization: authorization } };
  return { url: resource };
}
