/**
 * Regions of the demo data: the counties of the source articles with real township names (GB/T 2260
 * codes for province/city/county; township and village codes follow the statistical 9/12-digit pattern).
 */
export interface DemoCounty {
  code: string;
  name: string;
  cityCode: string;
  industries: string[];
  townships: string[];
}

export const PROVINCES = [
  { code: "510000", name: "四川省" },
  { code: "620000", name: "甘肃省" },
  { code: "430000", name: "湖南省" },
  { code: "520000", name: "贵州省" },
];

export const CITIES = [
  { code: "511900", name: "巴中市", provinceCode: "510000" },
  { code: "620100", name: "兰州市", provinceCode: "620000" },
  { code: "431100", name: "永州市", provinceCode: "430000" },
  { code: "520600", name: "铜仁市", provinceCode: "520000" },
];

export const COUNTIES: DemoCounty[] = [
  {
    code: "511921",
    name: "通江县",
    cityCode: "511900",
    industries: ["肉牛养殖", "生猪养殖", "土鸡养殖", "银耳种植", "农家乐"],
    townships: ["诺江镇", "民胜镇", "火炬镇", "广纳镇", "铁佛镇", "麻石镇", "至诚镇", "洪口镇"],
  },
  {
    code: "620121",
    name: "永登县",
    cityCode: "620100",
    industries: ["苦水玫瑰种植", "肉羊养殖", "高原夏菜", "农家乐", "手工刺绣"],
    townships: ["城关镇", "红城镇", "中堡镇", "武胜驿镇", "河桥镇", "连城镇", "苦水镇"],
  },
  {
    code: "620122",
    name: "皋兰县",
    cityCode: "620100",
    industries: ["什川软儿梨种植", "鲜食葡萄种植", "肉羊养殖", "农家乐", "手工编织"],
    townships: ["石洞镇", "忠和镇", "什川镇", "九合镇", "水阜镇", "黑石镇"],
  },
  {
    code: "620123",
    name: "榆中县",
    cityCode: "620100",
    industries: ["高原夏菜", "肉牛养殖", "中药材种植", "农家乐", "手工刺绣"],
    townships: ["城关镇", "夏官营镇", "高崖镇", "金崖镇", "和平镇", "甘草店镇", "青城镇", "定远镇"],
  },
  {
    code: "431124",
    name: "道县",
    cityCode: "431100",
    industries: ["脐橙种植", "水产养殖", "生猪养殖", "农家乐", "竹编手工"],
    townships: ["道江镇", "白马渡镇", "寿雁镇", "仙子脚镇", "清塘镇", "祥霖铺镇", "梅花镇", "蚣坝镇"],
  },
  {
    code: "520602",
    name: "碧江区",
    cityCode: "520600",
    industries: ["茶叶种植", "肉牛养殖", "农家乐", "民族刺绣"],
    townships: ["滑石乡", "坝黄镇", "云场坪镇", "瓦屋侗族乡", "和平乡"],
  },
  {
    code: "520603",
    name: "万山区",
    cityCode: "520600",
    industries: ["食用菌种植", "生猪养殖", "农家乐", "民族刺绣"],
    townships: ["谢桥街道", "茶店街道", "高楼坪侗族乡", "黄道侗族乡", "敖寨侗族乡"],
  },
];

const VILLAGE_STEMS = [
  "王家",
  "李家",
  "张家",
  "刘家",
  "陈家",
  "杨家",
  "赵家",
  "黄家",
  "周家",
  "吴家",
  "马家",
  "何家",
  "罗家",
  "高家",
  "石",
  "柳",
  "龙泉",
  "桃园",
  "杏树",
  "红星",
  "新民",
  "和平",
  "团结",
  "青山",
  "白云",
  "金星",
  "河湾",
  "松林",
];
const VILLAGE_SUFFIXES = ["村", "坪村", "湾村", "沟村", "岭村", "坝村", "寨村", "营村"];

/** Six villages per township, deterministic names. */
export function villagesOf(countyIndex: number, townshipIndex: number): string[] {
  const out: string[] = [];
  for (let v = 0; v < 6; v++) {
    const stem = VILLAGE_STEMS[(countyIndex * 7 + townshipIndex * 5 + v * 3) % VILLAGE_STEMS.length]!;
    const suffix = VILLAGE_SUFFIXES[(townshipIndex + v) % VILLAGE_SUFFIXES.length]!;
    const name = `${stem}${suffix}`;
    out.push(out.includes(name) ? `${stem}${v}组村` : name);
  }
  return out;
}
