export { formatYuan, formatWan, formatRate, formatMultiple } from "@/domain";
