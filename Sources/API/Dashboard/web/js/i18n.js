// Chinese by default, English on request; the choice is remembered in the browser.
const strings = {
  zh: {
    brand: '时空', search: '搜索', searchPlaceholder: '搜索地址或地名', layers: '图层', time: '时间', compare: '对比', measure: '量算',
    stats: '统计', ops: '运行', legend: '图例', layerSearch: '搜索图层（目录）', systemTime: '系统时间（as_of：平台当时所知）',
    validTime: '有效时间（datetime：当时为真）', collectionsWithTime: '时间作用于实体图层；传感器图层始终为最新。', compareLayer: '图层',
    compareRun: '比较', distance: '距离', area: '面积', clear: '清除', measureHint: '在地图上单击添加点，双击结束。', statsHint: '单击传感器或区县查看时间序列。',
    statsValue: '指标', deadLetters: '死信', now: '现在', play: '播放', opacity: '透明度', colourBy: '着色', none: '无', current: '当前',
    added: '新增', removed: '删除', changed: '变更', history: '历史版本', historyLink: '历史（JSON）', attributes: '属性', notFound: '未找到',
    address: '地址', lag: '消费延迟', throughput: '吞吐', waiting: '待处理', metres: '米', kilometres: '公里', squareMetres: '平方米',
    squareKilometres: '平方公里', perimeter: '周长', basemap: '底图（行政区划）', sensors: '传感器', alerts: '告警', live: '实时',
    choropleth: '分级设色（区县均值）', noData: '无数据', loading: '加载中…', validFrom: '有效起', knownFrom: '记录于', retired: '已退役',
    summary: (a, r, c) => `新增 ${a}，删除 ${r}，变更 ${c}`, reverse: '此处', zoomTo: '定位', errors: '错误', records: '条',
    signIn: '登录', signOut: '退出', userName: '用户名', password: '密码',
  },
  en: {
    brand: 'Shikong', search: 'Search', searchPlaceholder: 'Search an address or place', layers: 'Layers', time: 'Time', compare: 'Compare',
    measure: 'Measure', stats: 'Statistics', ops: 'Operations', legend: 'Legend', layerSearch: 'Search layers (catalogue)',
    systemTime: 'System time (as_of: what the platform knew)', validTime: 'Valid time (datetime: what was true)',
    collectionsWithTime: 'Time applies to entity layers; sensors always show the latest.', compareLayer: 'Layer', compareRun: 'Compare',
    distance: 'Distance', area: 'Area', clear: 'Clear', measureHint: 'Click the map to add points, double-click to finish.',
    statsHint: 'Click a sensor or a district for its time series.', statsValue: 'Value', deadLetters: 'Dead letters', now: 'Now', play: 'Play',
    opacity: 'Opacity', colourBy: 'Colour by', none: 'none', current: 'current', added: 'added', removed: 'removed', changed: 'changed',
    history: 'History', historyLink: 'History (JSON)', attributes: 'Attributes', notFound: 'Not found', address: 'Address',
    lag: 'Consumer lag', throughput: 'Throughput', waiting: 'waiting', metres: 'm', kilometres: 'km', squareMetres: 'm²',
    squareKilometres: 'km²', perimeter: 'Perimeter', basemap: 'Basemap (admin boundaries)', sensors: 'Sensors', alerts: 'Alerts', live: 'live',
    choropleth: 'Choropleth (district mean)', noData: 'no data', loading: 'Loading…', validFrom: 'valid from', knownFrom: 'recorded',
    retired: 'retired', summary: (a, r, c) => `${a} added, ${r} removed, ${c} changed`, reverse: 'Here', zoomTo: 'Zoom to', errors: 'errors',
    records: 'records', signIn: 'Sign in', signOut: 'Sign out', userName: 'User name', password: 'Password',
  },
};

let language = localStorage.getItem('shikong.language') === 'en' ? 'en' : 'zh';
const listeners = [];

export function t(key, ...args) {
  const value = strings[language][key] ?? strings.zh[key] ?? key;
  return typeof value === 'function' ? value(...args) : value;
}

export const currentLanguage = () => language;

/** Fills every element marked data-i18n (text), data-i18n-placeholder and data-i18n-title. */
export function translatePage() {
  document.documentElement.lang = language === 'zh' ? 'zh-CN' : 'en';
  for (const element of document.querySelectorAll('[data-i18n]')) element.textContent = t(element.dataset.i18n);
  for (const element of document.querySelectorAll('[data-i18n-placeholder]')) element.placeholder = t(element.dataset.i18nPlaceholder);
  for (const element of document.querySelectorAll('[data-i18n-title]')) element.title = t(element.dataset.i18nTitle);
  document.getElementById('language').textContent = language === 'zh' ? 'EN' : '中文';
}

export function setLanguage(next) {
  language = next;
  localStorage.setItem('shikong.language', next);
  translatePage();
  for (const listener of listeners) listener(next);
}

export const onLanguageChange = (listener) => listeners.push(listener);
