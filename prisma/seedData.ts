// Demo data modelled on Gulou district (鼓楼区), Fuzhou, as the source articles describe it:
// streets with their command sub-centers, communities, ~200-household grids with a grid
// worker each, district departments that streets call, the district's three authorities,
// a matter catalog (事项清单) with windows as data, and the working calendar.
// Plain data, no Prisma: prisma/seed.ts writes it; tests read it.
import { defaultCalendar } from '../domain/calendar';
import { CN_HOLIDAYS_2025_2026 } from '../domain/holidays';
import type { Level, Role, TriageKind } from '../domain/types';
import type { ServiceAttributeInput } from '../features/open311/attributes';

export type SeedUnitKind = 'DISTRICT' | 'STREET' | 'COMMUNITY' | 'GRID' | 'DEPARTMENT';

export interface SeedUnit {
  id: string;
  kind: SeedUnitKind;
  name: string;
  parentId: string | null;
  addressKeywords: string[];
  lat: number | null;
  lng: number | null;
  households: number | null;
}

export interface SeedPerson {
  id: string;
  name: string;
  phone: string | null;
  role: Role;
  unitId: string;
}

export interface SeedCategory {
  code: string;
  name: string;
  description: string;
  group: string;
  keywords: string[];
  triage: TriageKind;
  defaultLevel: Extract<Level, 'GRID' | 'STREET'>;
  completionDays: number;
  urgent: boolean;
  windowOverrides: Record<string, number>;
  departmentIds: string[];
  /** Open311 service definition: extra fields a report asks for (none when left out). */
  attributes?: ServiceAttributeInput[];
}

export interface SeedCalendarSetting {
  id: string;
  timeZone: string;
  officeHours: Array<[string, string]>;
  workWeek: number[];
}

export interface SeedCalendarDay {
  date: string;
  kind: 'HOLIDAY' | 'WORKDAY';
  name: string;
}

export const DISTRICT_ID = 'GL';

// ---- the ladder: district → street → community → grid -------------------------------

interface GridSpec {
  name: string;
  keywords: string[];
  households: number;
  worker: string;
}
interface CommunitySpec {
  name: string;
  worker: string;
  grids: [GridSpec, GridSpec];
}
interface StreetSpec {
  name: string;
  dispatcher: string;
  communities: [CommunitySpec, CommunitySpec];
}

/**
 * Address keywords are road and estate names; each is unique across grids. One keyword
 * deliberately contains another ("温泉公园路" ⊃ "温泉公园") so longest-match routing matters.
 */
const STREETS: StreetSpec[] = [
  {
    name: '鼓东街道',
    dispatcher: '林建平',
    communities: [
      {
        name: '冶山社区',
        worker: '陈秀英',
        grids: [
          { name: '冶山社区第一网格', keywords: ['冶山路', '省府路', '冶山春秋园'], households: 206, worker: '黄丽萍' },
          { name: '冶山社区第二网格', keywords: ['中山路', '钱塘小区', '虎节路'], households: 194, worker: '郑志强' },
        ],
      },
      {
        name: '东大社区',
        worker: '王海燕',
        grids: [
          { name: '东大社区第一网格', keywords: ['东大路', '北大路'], households: 212, worker: '吴国平' },
          { name: '东大社区第二网格', keywords: ['鼓屏路', '湖东路', '华林坊'], households: 188, worker: '刘芳' },
        ],
      },
    ],
  },
  {
    name: '温泉街道',
    dispatcher: '何晓东',
    communities: [
      {
        name: '温泉社区',
        worker: '郭雅婷',
        grids: [
          { name: '温泉社区第一网格', keywords: ['温泉公园', '五四路', '温泉新村'], households: 198, worker: '许文斌' },
          { name: '温泉社区第二网格', keywords: ['温泉公园路', '温泉支路', '凯捷花园'], households: 203, worker: '杨丽娟' },
        ],
      },
      {
        name: '汤边社区',
        worker: '游明辉',
        grids: [
          { name: '汤边社区第一网格', keywords: ['六一北路', '汤边新村'], households: 215, worker: '魏淑芬' },
          { name: '汤边社区第二网格', keywords: ['树汤路', '金汤花园', '东浦路'], households: 182, worker: '翁振华' },
        ],
      },
    ],
  },
  {
    name: '五凤街道',
    dispatcher: '卓家豪',
    communities: [
      {
        name: '梅峰社区',
        worker: '邱美玲',
        grids: [
          { name: '梅峰社区第一网格', keywords: ['梅峰路', '梅峰小区'], households: 209, worker: '高建新' },
          { name: '梅峰社区第二网格', keywords: ['梅柳路', '琴亭路', '融侨锦江'], households: 191, worker: '江春梅' },
        ],
      },
      {
        name: '铜盘社区',
        worker: '张伟',
        grids: [
          { name: '铜盘社区第一网格', keywords: ['铜盘路', '软件大道', '铜盘新村'], households: 200, worker: '李晓红' },
          { name: '铜盘社区第二网格', keywords: ['五凤路', '西二环北路', '屏东城'], households: 196, worker: '詹文杰' },
        ],
      },
    ],
  },
];

const pad = (n: number): string => String(n).padStart(2, '0');
/** A fake but well-formed mobile number, stable per seed index. */
const mobile = (n: number): string => `1385010${String(n).padStart(4, '0')}`;

/**
 * Grid centroids on a neat lattice around Fuzhou (26.08 N, 119.29 E): streets stacked
 * north–south, a community per row, two grids per row; neighbours are ~400–450 m apart.
 */
function centroid(streetIx: number, communityIx: number, gridIx: number): { lat: number; lng: number } {
  const lat = 26.074 + streetIx * 0.008 + communityIx * 0.004;
  const lng = 119.286 + gridIx * 0.004;
  return { lat: Number(lat.toFixed(6)), lng: Number(lng.toFixed(6)) };
}

const ladderUnits: SeedUnit[] = [];
const ladderPeople: SeedPerson[] = [];
let phoneSeq = 1;

ladderUnits.push({ id: DISTRICT_ID, kind: 'DISTRICT', name: '鼓楼区', parentId: null, addressKeywords: [], lat: null, lng: null, households: null });

STREETS.forEach((street, si) => {
  const streetId = `${DISTRICT_ID}-S${pad(si + 1)}`;
  ladderUnits.push({ id: streetId, kind: 'STREET', name: street.name, parentId: DISTRICT_ID, addressKeywords: [], lat: null, lng: null, households: null });
  ladderPeople.push({ id: `p-street-${streetId}`, name: street.dispatcher, phone: mobile(phoneSeq++), role: 'STREET_DISPATCHER', unitId: streetId });
  street.communities.forEach((community, ci) => {
    const communityId = `${streetId}-C${pad(ci + 1)}`;
    const grids = community.grids;
    ladderUnits.push({
      id: communityId,
      kind: 'COMMUNITY',
      name: community.name,
      parentId: streetId,
      addressKeywords: [],
      lat: null,
      lng: null,
      households: grids.reduce((sum, g) => sum + g.households, 0),
    });
    ladderPeople.push({ id: `p-comm-${communityId}`, name: community.worker, phone: mobile(phoneSeq++), role: 'COMMUNITY_WORKER', unitId: communityId });
    grids.forEach((grid, gi) => {
      const gridId = `${communityId}-G${pad(gi + 1)}`;
      const { lat, lng } = centroid(si, ci, gi);
      ladderUnits.push({ id: gridId, kind: 'GRID', name: grid.name, parentId: communityId, addressKeywords: grid.keywords, lat, lng, households: grid.households });
      ladderPeople.push({ id: `p-grid-${gridId}`, name: grid.worker, phone: mobile(phoneSeq++), role: 'GRID_WORKER', unitId: gridId });
    });
  });
});

// ---- functional departments (区直部门): beside the ladder, called by streets ----------------

interface DepartmentSpec {
  code: string;
  name: string;
  officer: string;
}

const DEPARTMENTS: DepartmentSpec[] = [
  { code: 'CG', name: '鼓楼区城市管理局', officer: '陈振宇' }, // urban management
  { code: 'SCJG', name: '鼓楼区市场监督管理局', officer: '林小燕' }, // market supervision
  { code: 'STHJ', name: '鼓楼区生态环境局', officer: '黄志诚' }, // environment
  { code: 'ZJ', name: '鼓楼区住房和城乡建设局', officer: '郑慧敏' }, // housing
  { code: 'GA', name: '福州市公安局鼓楼分局', officer: '王建军' }, // police
  { code: 'YJ', name: '鼓楼区应急管理局', officer: '吴晓峰' }, // emergency management
  { code: 'SL', name: '鼓楼区水利局', officer: '刘德明' }, // water
  { code: 'JT', name: '鼓楼区交通运输局', officer: '张宏亮' }, // transport
  { code: 'RS', name: '鼓楼区人力资源和社会保障局', officer: '何雪梅' }, // human resources and social security
  { code: 'MZ', name: '鼓楼区民政局', officer: '郭清华' }, // civil affairs
];

/** Department unit id from its short code, e.g. dept('CG') = 'GL-D-CG'. */
export const dept = (code: string): string => `${DISTRICT_ID}-D-${code}`;

const departmentUnits: SeedUnit[] = DEPARTMENTS.map((d) => ({
  id: dept(d.code),
  kind: 'DEPARTMENT',
  name: d.name,
  parentId: DISTRICT_ID,
  addressKeywords: [],
  lat: null,
  lng: null,
  households: null,
}));

const departmentPeople: SeedPerson[] = DEPARTMENTS.map((d) => ({
  id: `p-dept-${dept(d.code)}`,
  name: d.officer,
  phone: mobile(phoneSeq++),
  role: 'DEPARTMENT_OFFICER',
  unitId: dept(d.code),
}));

// ---- district authorities and system users ----------------------------------------------

const districtPeople: SeedPerson[] = [
  { id: `p-cc-${DISTRICT_ID}`, name: '许志明', phone: '0591-87001234', role: 'COMMAND_CENTER', unitId: DISTRICT_ID },
  { id: `p-deputy-${DISTRICT_ID}`, name: '杨国栋', phone: mobile(phoneSeq++), role: 'DEPUTY_LEADER', unitId: DISTRICT_ID },
  { id: `p-principal-${DISTRICT_ID}`, name: '林海峰', phone: mobile(phoneSeq++), role: 'PRINCIPAL_LEADER', unitId: DISTRICT_ID },
  { id: `p-auditor-${DISTRICT_ID}`, name: '陈立新', phone: mobile(phoneSeq++), role: 'AUDITOR', unitId: DISTRICT_ID },
  { id: `p-admin-${DISTRICT_ID}`, name: '系统管理员', phone: null, role: 'ADMIN', unitId: DISTRICT_ID },
  { id: 'p-reporter-hotline', name: '12345热线话务员', phone: '12345', role: 'REPORTER', unitId: DISTRICT_ID },
  { id: 'p-reporter-app', name: '鼓楼社区幸福通', phone: null, role: 'REPORTER', unitId: DISTRICT_ID },
];

/** Every organisation unit: the ladder first (parents before children), then departments. */
export const SEED_UNITS: readonly SeedUnit[] = [...ladderUnits, ...departmentUnits];

/** Every person: one per post, ids readable from the unit (p-grid-GL-S01-C01-G01, ...). */
export const SEED_PEOPLE: readonly SeedPerson[] = [...ladderPeople, ...departmentPeople, ...districtPeople];

// ---- matter catalog (事项清单) -----------------------------------------------------------

/**
 * Where the seed catalog's values come from (docs/RULES.md, "Windows as the seeds count them").
 * SEED: stated by a seed (/work/shared/seeds), quoted; DEFAULT: not in any seed, chosen here and
 * open to change by an administrator (PATCH /admin/categories/{code}). No category overrides a
 * window the seeds state: every one runs on the configured values below.
 */
export const CATALOG_SOURCES = {
  acceptMinutes: { value: 10, source: 'SEED', quote: '[004] 由原来的4个工作小时响应压缩为10分钟内受理、1个工作小时响应' },
  responseWorkingHours: { value: 1, source: 'SEED', quote: '[004] 街镇在接到事项1个工作小时内须做出“自行处置”或“呼叫”的决定' },
  onSiteHours: { value: 2, source: 'SEED', quote: '[002] 街道将安全隐患问题作为“优先级”处置事件,2小时内完成现场勘查、方案确定及人材机进场消险全过程' },
  completionDaysRange: { value: [1, 7], source: 'SEED', quote: '[004] 所有事项原则按分类在1—7个工作日内办理完毕' },
  completionDays: { source: 'DEFAULT', note: "each category's number of days inside 1–7: the seeds give the range, not the value per category" },
  urgent: { source: 'DEFAULT', note: 'which categories are safety hazards (安全隐患) with the 2-hour on-site window' },
  defaultLevel: { source: 'DEFAULT', note: 'the level a new case starts at (GRID or STREET)' },
  departmentIds: { source: 'DEFAULT', note: 'the departments a street usually calls' },
  triage: { source: 'DEFAULT', note: "each category's kind (big, small, private): the seeds define the kinds ([001] 三事分流), not the catalog" },
} as const;

/** Urgent safety hazards: the seeds' windows (accept 10 minutes, on site within 2 hours), no overrides. */
const URGENT = {};

/** Open311 attributes: urgent hazards ask whether anyone is trapped or hurt; road damage asks its size. */
const PEOPLE_AT_RISK: ServiceAttributeInput = {
  code: 'people_at_risk', datatype: 'singlevaluelist', required: true,
  description: '是否有人被困或受伤？/ Is anyone trapped or injured?',
  values: [
    { key: 'TRAPPED', name: '有人被困 / someone is trapped' },
    { key: 'INJURED', name: '有人受伤 / someone is injured' },
    { key: 'NONE', name: '无人被困或受伤 / nobody trapped or injured' },
    { key: 'UNKNOWN', name: '不清楚 / not known' },
  ],
};
const ATTRIBUTES: Record<'lift' | 'gas' | 'pothole' | 'manhole', ServiceAttributeInput[]> = {
  lift: [
    PEOPLE_AT_RISK,
    { code: 'lift_id', datatype: 'string', required: false, description: '电梯注册代码（轿厢内使用标志上）/ Lift registration code (on the certificate in the car)' },
  ],
  gas: [
    PEOPLE_AT_RISK,
    {
      code: 'evacuated', datatype: 'singlevaluelist', required: false, description: '现场人员是否已疏散？/ Have people left the area?',
      values: [{ key: 'YES', name: '已疏散 / yes' }, { key: 'NO', name: '未疏散 / no' }],
    },
  ],
  pothole: [
    {
      code: 'size', datatype: 'singlevaluelist', required: true, description: '坑洼大小 / How big is the hole?',
      values: [
        { key: 'SMALL', name: '小于30厘米 / under 30 cm' },
        { key: 'MEDIUM', name: '30厘米至1米 / 30 cm to 1 m' },
        { key: 'LARGE', name: '大于1米 / over 1 m' },
      ],
    },
    { code: 'depth_cm', datatype: 'number', required: false, description: '大约深度（厘米）/ Approximate depth (cm)', datatypeDescription: '数字 / a number' },
  ],
  manhole: [
    {
      code: 'condition', datatype: 'singlevaluelist', required: true, description: '井盖情况 / What is wrong with the cover?',
      values: [
        { key: 'MISSING', name: '缺失 / missing' },
        { key: 'BROKEN', name: '破损 / broken' },
        { key: 'DISPLACED', name: '移位 / displaced' },
      ],
    },
    {
      code: 'where', datatype: 'multivaluelist', required: false, description: '所在位置 / Where is it?',
      values: [
        { key: 'CARRIAGEWAY', name: '机动车道 / carriageway' },
        { key: 'SIDEWALK', name: '人行道 / sidewalk' },
        { key: 'NEAR_SCHOOL', name: '学校周边 / near a school' },
      ],
    },
  ],
};

export const SEED_CATEGORIES: readonly SeedCategory[] = [
  // 市容秩序 / city appearance and order (城管)
  {
    code: 'CG-001', name: '违章停车、占道停车', group: '市容秩序', triage: 'BIG', defaultLevel: 'GRID', completionDays: 1, urgent: false,
    description: '机动车、非机动车违规停放，占用道路、人行道或消防通道以外的公共通道。',
    keywords: ['违停', '乱停车', '占道停车', '堵路', '停车'], departmentIds: [dept('GA'), dept('CG')], windowOverrides: {},
  },
  {
    code: 'CG-002', name: '垃圾堆积未清运', group: '环境卫生', triage: 'BIG', defaultLevel: 'GRID', completionDays: 1, urgent: false,
    description: '生活垃圾、建筑垃圾堆积或垃圾桶满溢未及时清运。',
    keywords: ['垃圾', '垃圾堆', '清运', '满溢', '建筑垃圾'], departmentIds: [dept('CG')], windowOverrides: {},
  },
  {
    code: 'CG-003', name: '违法建设', group: '违法建设', triage: 'BIG', defaultLevel: 'STREET', completionDays: 7, urgent: false,
    description: '未经许可搭建、加建、扩建的建筑物或构筑物（违建）。',
    keywords: ['违建', '违章建筑', '搭建', '加建', '私搭乱建'], departmentIds: [dept('CG'), dept('ZJ')], windowOverrides: {},
  },
  {
    code: 'CG-004', name: '无证摊贩、占道经营', group: '市容秩序', triage: 'BIG', defaultLevel: 'GRID', completionDays: 2, urgent: false,
    description: '流动摊贩、店外经营占用道路或公共场地。',
    keywords: ['摊贩', '流动摊点', '占道经营', '出店经营'], departmentIds: [dept('CG'), dept('SCJG')], windowOverrides: {},
  },
  {
    code: 'CG-005', name: '路灯不亮', group: '市政设施', triage: 'BIG', defaultLevel: 'GRID', completionDays: 3, urgent: false,
    description: '路灯、景观照明损坏或不亮。',
    keywords: ['路灯', '不亮', '照明', '灯坏'], departmentIds: [dept('CG')], windowOverrides: {},
  },
  {
    code: 'CG-006', name: '树木倒伏', group: '市政设施', triage: 'BIG', defaultLevel: 'GRID', completionDays: 1, urgent: true,
    description: '行道树、绿化树木倒伏或断枝，影响通行或存在砸伤危险。',
    keywords: ['倒树', '树木倒伏', '断枝', '大树'], departmentIds: [dept('CG')], windowOverrides: URGENT,
  },
  {
    code: 'CG-007', name: '烧烤店油烟扰民', group: '市容秩序', triage: 'BIG', defaultLevel: 'GRID', completionDays: 3, urgent: false,
    description: '烧烤店、餐饮店油烟直排、露天烧烤或夜间经营扰民。',
    keywords: ['烧烤', '油烟', '露天烧烤', '夜宵'], departmentIds: [dept('CG'), dept('STHJ')], windowOverrides: {},
  },
  {
    code: 'CG-008', name: '违规户外广告', group: '市容秩序', triage: 'BIG', defaultLevel: 'GRID', completionDays: 5, urgent: false,
    description: '未经审批设置的户外广告、招牌、横幅，或小广告乱贴乱画。',
    keywords: ['广告', '招牌', '横幅', '小广告'], departmentIds: [dept('CG')], windowOverrides: {},
  },
  {
    code: 'CG-009', name: '公共厕所脏乱', group: '环境卫生', triage: 'BIG', defaultLevel: 'GRID', completionDays: 1, urgent: false,
    description: '公共厕所卫生差、设施损坏或未按时开放（巡厕）。',
    keywords: ['公厕', '厕所', '异味'], departmentIds: [dept('CG')], windowOverrides: {},
  },
  // 市场监管 / market supervision
  {
    code: 'SC-001', name: '食品安全问题', group: '市场监管', triage: 'BIG', defaultLevel: 'GRID', completionDays: 2, urgent: false,
    description: '售卖过期变质食品、无证经营餐饮、后厨卫生不达标等。',
    keywords: ['食品', '过期', '变质', '餐饮', '食物中毒'], departmentIds: [dept('SCJG')], windowOverrides: {},
  },
  {
    code: 'SC-002', name: '电梯困人', group: '安全隐患', triage: 'BIG', defaultLevel: 'GRID', completionDays: 1, urgent: true,
    description: '电梯故障困人，须立即救援。',
    keywords: ['电梯', '困人', '电梯故障', '关在电梯'], departmentIds: [dept('SCJG'), dept('YJ')],
    windowOverrides: URGENT, attributes: ATTRIBUTES.lift,
  },
  {
    code: 'SC-003', name: '消费投诉', group: '市场监管', triage: 'BIG', defaultLevel: 'GRID', completionDays: 5, urgent: false,
    description: '商品质量、价格欺诈、预付卡退费等消费纠纷。',
    keywords: ['消费', '退款', '预付卡', '价格', '质量问题'], departmentIds: [dept('SCJG')], windowOverrides: {},
  },
  // 生态环境 / environment
  {
    code: 'HJ-001', name: '噪声扰民', group: '生态环境', triage: 'BIG', defaultLevel: 'GRID', completionDays: 2, urgent: false,
    description: '施工、商业经营、娱乐场所或社会生活噪声扰民。',
    keywords: ['噪声', '噪音', '扰民', '施工噪音', '广场舞'], departmentIds: [dept('STHJ'), dept('GA')], windowOverrides: {},
  },
  {
    code: 'HJ-002', name: '环境污染', group: '生态环境', triage: 'BIG', defaultLevel: 'GRID', completionDays: 5, urgent: false,
    description: '废气、废水、扬尘、异味等环境污染。',
    keywords: ['污染', '废气', '扬尘', '排污', '臭味'], departmentIds: [dept('STHJ')], windowOverrides: {},
  },
  {
    code: 'HJ-003', name: '内河污染', group: '生态环境', triage: 'BIG', defaultLevel: 'STREET', completionDays: 5, urgent: false,
    description: '内河水体发黑发臭、漂浮物、违法排污口（巡河）。',
    keywords: ['内河', '河道', '黑臭', '排污口', '漂浮物'], departmentIds: [dept('STHJ'), dept('SL')], windowOverrides: {},
  },
  // 住建 / housing
  {
    code: 'ZJ-001', name: '群租房', group: '住房安全', triage: 'BIG', defaultLevel: 'STREET', completionDays: 7, urgent: false,
    description: '违规分隔出租、群租，存在消防和治安隐患。',
    keywords: ['群租', '隔断', '出租屋', '二房东'], departmentIds: [dept('ZJ'), dept('GA'), dept('YJ')], windowOverrides: {},
  },
  {
    code: 'ZJ-002', name: '燃气泄漏', group: '安全隐患', triage: 'BIG', defaultLevel: 'STREET', completionDays: 1, urgent: true,
    description: '闻到燃气味、燃气管道或设施泄漏，须立即疏散处置。',
    keywords: ['燃气', '煤气', '漏气', '燃气味'], departmentIds: [dept('ZJ'), dept('YJ'), dept('GA')],
    windowOverrides: URGENT, attributes: ATTRIBUTES.gas,
  },
  {
    code: 'ZJ-003', name: '房屋安全隐患', group: '安全隐患', triage: 'BIG', defaultLevel: 'STREET', completionDays: 3, urgent: true,
    description: '房屋开裂、墙体外立面脱落、危房等安全隐患。',
    keywords: ['危房', '开裂', '外墙脱落', '坠落'], departmentIds: [dept('ZJ'), dept('YJ')], windowOverrides: URGENT,
  },
  // 应急 / emergency
  {
    code: 'YJ-001', name: '消防通道堵塞', group: '安全隐患', triage: 'BIG', defaultLevel: 'GRID', completionDays: 1, urgent: true,
    description: '消防通道、安全出口被占用或堵塞。',
    keywords: ['消防通道', '安全出口', '堵塞', '消防'], departmentIds: [dept('YJ'), dept('CG')], windowOverrides: URGENT,
  },
  {
    code: 'YJ-002', name: '电动车违规充电', group: '安全隐患', triage: 'BIG', defaultLevel: 'GRID', completionDays: 1, urgent: true,
    description: '电动自行车楼道停放、入户或飞线充电。',
    keywords: ['电动车', '飞线充电', '楼道充电', '电瓶车'], departmentIds: [dept('YJ')], windowOverrides: URGENT,
  },
  // 水务 / water
  {
    code: 'SL-001', name: '停水', group: '市政设施', triage: 'BIG', defaultLevel: 'GRID', completionDays: 1, urgent: false,
    description: '无通知停水、水压不足或供水管道爆裂。',
    keywords: ['停水', '没水', '水压', '爆管'], departmentIds: [dept('SL')], windowOverrides: {},
  },
  {
    code: 'SL-002', name: '污水外溢', group: '市政设施', triage: 'BIG', defaultLevel: 'GRID', completionDays: 2, urgent: false,
    description: '污水井、化粪池冒溢，排水管道堵塞。',
    keywords: ['污水', '冒水', '化粪池', '下水道', '堵塞外溢'], departmentIds: [dept('SL'), dept('CG')], windowOverrides: {},
  },
  // 交通 / transport
  {
    code: 'JT-001', name: '道路坑洼破损', group: '市政设施', triage: 'BIG', defaultLevel: 'GRID', completionDays: 5, urgent: false,
    description: '路面坑洼、塌陷、人行道板松动破损。',
    keywords: ['坑洼', '路面破损', '坑', '人行道'], departmentIds: [dept('JT'), dept('CG')], windowOverrides: {}, attributes: ATTRIBUTES.pothole,
  },
  {
    code: 'JT-002', name: '井盖缺失破损', group: '安全隐患', triage: 'BIG', defaultLevel: 'GRID', completionDays: 1, urgent: true,
    description: '道路井盖缺失、破损或移位，存在行人车辆坠落危险。',
    keywords: ['井盖', '窨井', '缺失'], departmentIds: [dept('CG'), dept('JT')], windowOverrides: URGENT,
    attributes: ATTRIBUTES.manhole,
  },
  // 社区事务 / small matters: the residents' committee leads (三事分流)
  {
    code: 'SQ-001', name: '邻里纠纷', group: '社区事务', triage: 'SMALL', defaultLevel: 'GRID', completionDays: 5, urgent: false,
    description: '邻里之间因漏水、噪音、占用公共空间等引发的纠纷，社区调解。',
    keywords: ['邻居', '纠纷', '调解', '楼上漏水'], departmentIds: [], windowOverrides: {},
  },
  {
    code: 'SQ-002', name: '物业服务纠纷', group: '社区事务', triage: 'SMALL', defaultLevel: 'GRID', completionDays: 7, urgent: false,
    description: '物业服务不到位、物业费、公共维修资金等纠纷。',
    keywords: ['物业', '物业费', '维修资金', '业委会'], departmentIds: [dept('ZJ')], windowOverrides: {},
  },
  {
    code: 'SQ-003', name: '楼道公共区域杂物堆放', group: '社区事务', triage: 'SMALL', defaultLevel: 'GRID', completionDays: 3, urgent: false,
    description: '楼道、天台、架空层等公共区域堆放杂物。',
    keywords: ['杂物', '楼道', '堆放', '天台'], departmentIds: [], windowOverrides: {},
  },
  {
    code: 'SQ-004', name: '垃圾分类指导', group: '社区事务', triage: 'SMALL', defaultLevel: 'GRID', completionDays: 3, urgent: false,
    description: '小区垃圾分类投放点设置、督导和宣传。',
    keywords: ['垃圾分类', '投放点', '分类'], departmentIds: [], windowOverrides: {},
  },
  // 个人事务 / private matters: guided to a service
  {
    code: 'GR-001', name: '个人证件办理咨询', group: '个人事务', triage: 'PRIVATE', defaultLevel: 'GRID', completionDays: 1, urgent: false,
    description: '身份证、户口、居住证办理咨询，引导至相应窗口。',
    keywords: ['身份证', '户口', '居住证', '证件'], departmentIds: [dept('GA')], windowOverrides: {},
  },
  {
    code: 'GR-002', name: '养老金咨询', group: '个人事务', triage: 'PRIVATE', defaultLevel: 'GRID', completionDays: 2, urgent: false,
    description: '养老保险缴费、养老金领取资格认证等咨询。',
    keywords: ['养老金', '社保', '退休', '资格认证'], departmentIds: [dept('RS')], windowOverrides: {},
  },
  {
    code: 'GR-003', name: '低保救助咨询', group: '个人事务', triage: 'PRIVATE', defaultLevel: 'GRID', completionDays: 3, urgent: false,
    description: '最低生活保障、临时救助、残疾人补贴申请咨询。',
    keywords: ['低保', '救助', '补贴', '困难'], departmentIds: [dept('MZ')], windowOverrides: {},
  },
];

// ---- Open311 client applications ---------------------------------------------------------

export interface SeedOpen311Client {
  id: string;
  name: string;
  reporterPersonId: string;
  /** A fixed, public key: seeded only outside production (prisma/seed.ts). */
  demoApiKey: string;
}

/** The demo civic app (docs/OPEN311.md). Its key is public, so it never exists in production. */
export const SEED_OPEN311_CLIENTS: readonly SeedOpen311Client[] = [
  { id: 'demo-civic-app', name: '鼓楼随手拍（演示）/ Gulou snap-and-report (demo)', reporterPersonId: 'p-reporter-app', demoApiKey: 'open311-demo-key-not-for-production' },
];

// ---- working calendar ------------------------------------------------------------------

/**
 * The default working calendar (domain/calendar): 09:00–12:00 and 13:30–17:30, Monday to
 * Friday, Asia/Shanghai; the seeded database and the pure default never disagree.
 */
const DEFAULT_CALENDAR = defaultCalendar();
export const SEED_CALENDAR_SETTING: SeedCalendarSetting = {
  id: 'default',
  timeZone: DEFAULT_CALENDAR.timeZone,
  officeHours: DEFAULT_CALENDAR.officeHours.map(([start, end]): [string, string] => [start, end]),
  workWeek: [...DEFAULT_CALENDAR.workWeek],
};

/** Public holidays and make-up working days (调休), 2025–2026. */
export const SEED_CALENDAR_DAYS: readonly SeedCalendarDay[] = CN_HOLIDAYS_2025_2026.map((d) => ({ date: d.date, kind: d.kind, name: d.name }));
