/**
 * Admin routes for fault injection (core/faults.ts), the CLI's `tandem faults` and users' test
 * suites. State-changing ones are never reachable cross-origin (browser.ts refuses any foreign
 * Origin on non-GET /_tandem/ routes), so a web page cannot make Tandem fail a developer's requests.
 *   GET    /_tandem/faults            -> { rules: FaultRuleView[] } (hits, remaining, expiresAt, active)
 *   POST   /_tandem/faults  rule      -> the added rule (400 with the reason if it is not valid)
 *   DELETE /_tandem/faults[?id=f1]    -> { cleared: n } (every rule without id)
 */
import { FaultSpecError, type Faults } from '../core/faults.js';
import { AdminError, type AdminRoutes } from '../core/routes.js';

export function registerFaultRoutes(admin: AdminRoutes, faults: Faults): void {
  admin.add('GET', '/_tandem/faults', () => ({ rules: faults.list() }));
  admin.add('POST', '/_tandem/faults', (_req, body) => {
    let spec: unknown;
    try {
      spec = JSON.parse(body.toString() || '{}');
    } catch {
      throw new AdminError(400, 'body must be JSON');
    }
    try {
      return faults.add(spec);
    } catch (e) {
      if (e instanceof FaultSpecError) throw new AdminError(400, e.message);
      throw e;
    }
  });
  admin.add('DELETE', '/_tandem/faults', (_req, _body, url) => ({ cleared: faults.clear(url.searchParams.get('id') ?? undefined) }));
}
