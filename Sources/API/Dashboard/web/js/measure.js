// Distance and area on the CGCS2000 ellipsoid, measured by the server: each leg with
// /measure/distance, a polygon with POST /measure.
import { getJSON, postJSON } from './api.js';
import { t } from './i18n.js';

const empty = { type: 'FeatureCollection', features: [] };

export class Measure {
  constructor(map, result) {
    this.map = map;
    this.result = result;
    this.mode = null;
    this.points = [];
    const setup = () => {
      map.addSource('measure', { type: 'geojson', data: empty });
      map.addLayer({ id: 'measure-fill', type: 'fill', source: 'measure', paint: { 'fill-color': '#f0a020', 'fill-opacity': 0.25 },
        filter: ['==', ['geometry-type'], 'Polygon'] });
      map.addLayer({ id: 'measure-line', type: 'line', source: 'measure', paint: { 'line-color': '#c77e00', 'line-width': 2.5, 'line-dasharray': [2, 1] } });
      map.addLayer({ id: 'measure-points', type: 'circle', source: 'measure', paint: { 'circle-radius': 4, 'circle-color': '#c77e00' },
        filter: ['==', ['geometry-type'], 'Point'] });
    };
    if (map.isStyleLoaded()) setup();
    else map.once('load', setup);
  }

  get active() { return this.mode !== null; }

  start(mode) {
    this.clear();
    this.mode = mode;
    this.map.doubleClickZoom.disable();
    this.map.getCanvas().style.cursor = 'crosshair';
  }

  clear() {
    this.points = [];
    this.result.textContent = '';
    this.map.getSource('measure')?.setData(empty);
  }

  stop() {
    this.mode = null;
    this.map.doubleClickZoom.enable();
    this.map.getCanvas().style.cursor = '';
  }

  async add(lngLat) {
    this.points.push([lngLat.lng, lngLat.lat]);
    this.draw();
    await this.measure();
  }

  draw() {
    const features = this.points.map((p) => ({ type: 'Feature', geometry: { type: 'Point', coordinates: p }, properties: {} }));
    if (this.points.length > 1) {
      const ring = this.mode === 'area' && this.points.length > 2 ? [...this.points, this.points[0]] : this.points;
      features.push({ type: 'Feature', geometry: this.mode === 'area' && this.points.length > 2
        ? { type: 'Polygon', coordinates: [ring] } : { type: 'LineString', coordinates: ring }, properties: {} });
    }
    this.map.getSource('measure')?.setData({ type: 'FeatureCollection', features });
  }

  async measure() {
    if (this.mode === 'distance' && this.points.length > 1) {
      let total = 0;
      for (let i = 1; i < this.points.length; i++) {
        const answer = await getJSON('/measure/distance', { from: this.points[i - 1].join(','), to: this.points[i].join(',') });
        total += answer.distance;
      }
      this.result.textContent = `${t('distance')}: ${total >= 1000 ? `${(total / 1000).toFixed(3)} ${t('kilometres')}` : `${total.toFixed(1)} ${t('metres')}`}`;
    } else if (this.mode === 'area' && this.points.length > 2) {
      const answer = await postJSON('/measure', { type: 'Polygon', coordinates: [[...this.points, this.points[0]]] });
      const area = answer.area >= 1e6 ? `${(answer.area / 1e6).toFixed(4)} ${t('squareKilometres')}` : `${answer.area.toFixed(1)} ${t('squareMetres')}`;
      this.result.textContent = `${t('area')}: ${area} · ${t('perimeter')}: ${(answer.perimeter / 1000).toFixed(3)} ${t('kilometres')}`;
    }
  }
}
