import { outboundApi } from '../../../shared/api/outbound';
import { actorOf } from '../../http/access-control';
import { route } from '../../http/route';
import type { ApiInstance } from '../../http/types';
import type { OutboundService } from './outbound.service';

export function registerOutboundRoutes(app: ApiInstance, outbound: OutboundService) {
  route(app, outboundApi.settings, async (request) => outbound.settings(actorOf(request)));

  route(app, outboundApi.update, async (request) =>
    outbound.update(actorOf(request), request.body),
  );
}
