import { IS_PUBLIC } from '@app/shared/http';
import type { DynamicModule, Type } from '@nestjs/common';
import { MODULE_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { AppModule } from './app.module';
import { AUDIT_ACTION, AuditAction } from './audit/audited.decorator';

/** Every controller reachable from a module, following its imports (static metadata, nothing started). */
function controllersOf(
  module: Type | DynamicModule,
  seen = new Set<unknown>(),
): Type[] {
  const moduleClass = 'module' in module ? module.module : module;
  if (seen.has(moduleClass)) {
    return [];
  }
  seen.add(moduleClass);
  const imports = [
    ...((Reflect.getMetadata(MODULE_METADATA.IMPORTS, moduleClass) as
      (Type | DynamicModule)[] | undefined) ?? []),
    ...('module' in module ? (module.imports ?? []) : []),
  ] as (Type | DynamicModule)[];
  const controllers = [
    ...((Reflect.getMetadata(MODULE_METADATA.CONTROLLERS, moduleClass) as
      Type[] | undefined) ?? []),
    ...('module' in module ? (module.controllers ?? []) : []),
  ];
  return [
    ...controllers,
    ...imports
      .filter(Boolean)
      .flatMap((imported) => controllersOf(imported, seen)),
  ];
}

interface Route {
  name: string;
  handler: (...args: unknown[]) => unknown;
  controller: Type;
}

function routesOf(controller: Type): Route[] {
  const prototype = controller.prototype as Record<string, unknown>;
  return Object.getOwnPropertyNames(prototype)
    .filter(
      (name) => name !== 'constructor' && typeof prototype[name] === 'function',
    )
    .map((name) => ({
      name,
      handler: prototype[name] as Route['handler'],
      controller,
    }))
    .filter(
      (route) =>
        Reflect.getMetadata(PATH_METADATA, route.handler) !== undefined,
    );
}

const routes = controllersOf(AppModule).flatMap(routesOf);
const isPublic = (route: Route) =>
  Reflect.getMetadata(IS_PUBLIC, route.handler) === true ||
  Reflect.getMetadata(IS_PUBLIC, route.controller) === true;

describe('patient-tests routes', () => {
  it('are found by walking the modules (so the rules below cannot pass vacuously)', () => {
    expect(routes.length).toBeGreaterThanOrEqual(7);
  });

  it.each(
    routes
      .filter((route) => !isPublic(route))
      .map((route) => [`${route.controller.name}.${route.name}`, route]),
  )('%s declares its audit action', (_name, route) => {
    const action = Reflect.getMetadata(AUDIT_ACTION, route.handler) as
      AuditAction | undefined;
    expect(action).toEqual({
      resource: expect.stringMatching(/^(patient|test|capabilities)$/),
      operation: expect.stringMatching(/^(create|read|update|search|list)$/),
      resourceId: expect.anything(),
      // Whose data it concerns: every record must name its patients.
      patients: expect.anything(),
      // FHIR routes: where their responses name the patients they disclose.
      ...(action?.disclosedIn && { disclosedIn: expect.any(Function) }),
    });
  });

  it('leave only the health probe without a key and without an audit action', () => {
    const open = routes
      .filter(isPublic)
      .map((route) => `${route.controller.name}.${route.name}`);
    expect(open).toEqual(['HealthController.check']);
  });
});
