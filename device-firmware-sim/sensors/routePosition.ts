import { validateArgument } from "#protocol";
import type { Prng } from "../random/createPrng.ts";
import { roundTo, type SensorModel, type Settings, withDefaults } from "./sensorModel.ts";

/** A point as [latitude, longitude], WGS 84 decimal degrees. */
export type LatLon = readonly [number, number];

export type RouteConfig = {
  /** The route, first to last stop (at least two points). */
  waypoints: readonly LatLon[];
  /** Simulated seconds from the first waypoint to the last, at constant speed. */
  durationS: number;
  /** How far along the route (in simulated seconds) the device is when it starts. */
  startOffsetS: number;
  /** GPS fix noise (standard deviation), metres. */
  gpsNoiseM: number;
};

/** Port of Rotterdam → Breda → Eindhoven → Venlo → Duisburg: a typical chilled-cargo leg. */
export const DEFAULT_ROUTE: RouteConfig = {
  waypoints: [
    [51.9496, 4.1453],
    [51.5719, 4.7683],
    [51.4416, 5.4697],
    [51.3704, 6.1724],
    [51.4344, 6.7623],
  ],
  durationS: 4 * 3600,
  startOffsetS: 0,
  gpsNoiseM: 3,
};

const EARTH_RADIUS_M = 6_371_008.8;
const METRES_PER_DEGREE = 111_320;

/** Great-circle distance between two points, metres (haversine). */
export function distanceMetres(a: LatLon, b: LatLon): number {
  const rad = Math.PI / 180;
  const dLat = (b[0] - a[0]) * rad;
  const dLon = (b[1] - a[1]) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a[0] * rad) * Math.cos(b[0] * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * The point a fraction `f` (0–1) of the way along the route by distance; linear between waypoints,
 * which is accurate to metres over road-length segments.
 * @example pointAlongRoute([[0, 0], [0, 2]], 0.5) // [0, 1]
 */
export function pointAlongRoute(waypoints: readonly LatLon[], f: number): LatLon {
  validateArgument(waypoints.length >= 2, "a route needs at least two waypoints");
  const lengths = waypoints.slice(1).map((p, i) => distanceMetres(waypoints[i]!, p));
  const total = lengths.reduce((a, b) => a + b, 0);
  let remaining = Math.min(1, Math.max(0, f)) * total;
  for (let i = 0; i < lengths.length; i++) {
    const length = lengths[i]!;
    if (remaining <= length || i === lengths.length - 1) {
      const t = length === 0 ? 0 : Math.min(1, remaining / length);
      const a = waypoints[i]!;
      const b = waypoints[i + 1]!;
      return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t];
    }
    remaining -= length;
  }
  return waypoints[waypoints.length - 1]!;
}

/**
 * GPS position (`lat_deg`, `lon_deg`) of a vehicle driving the route at constant speed, with fix noise;
 * it waits at the last waypoint once it has arrived.
 * @example createRoutePosition({ waypoints: [[51.9, 4.1], [51.4, 6.8]], durationS: 3600 }, prng).step(1800, 60, CALM_CONDITIONS)
 */
export function createRoutePosition(settings: Settings<RouteConfig> | undefined, prng: Prng): SensorModel {
  const c = withDefaults(DEFAULT_ROUTE, settings);
  validateArgument(c.waypoints.length >= 2, "a route needs at least two waypoints");
  validateArgument(c.durationS > 0, "route durationS must be positive");
  return {
    step(tS: number) {
      const [lat, lon] = pointAlongRoute(c.waypoints, (tS + c.startOffsetS) / c.durationS);
      const noiseLat = prng.normal(0, c.gpsNoiseM) / METRES_PER_DEGREE;
      const noiseLon = prng.normal(0, c.gpsNoiseM) / (METRES_PER_DEGREE * Math.cos((lat * Math.PI) / 180));
      return { lat_deg: roundTo(lat + noiseLat, 6), lon_deg: roundTo(lon + noiseLon, 6) };
    },
  };
}
