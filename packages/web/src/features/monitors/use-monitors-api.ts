import { useSession } from '../auth/session';
import { createMonitorsApi, type MonitorsApi } from './monitors-api';

/** The monitors endpoints with the signed-in session's cookie and CSRF token. */
export function useMonitorsApi(): MonitorsApi {
  const session = useSession();
  return createMonitorsApi(session.api, () => session.info()?.csrfToken);
}
