import "server-only";
import { z } from "zod";
import { yuanToFen, type IsoDate } from "@/domain";
import { yuanField } from "../fields";
import { dateToIso, decToFen } from "../db-values";

/**
 * 贷前摸底调查 (issue 23 item 2, DOMAIN §18): the pre-loan survey of the household — who lives there and works,
 * the household's situation and income, the project the loan pays for. It is part of the application: the
 * application form carries these fields and applyForLoan stores them, in the same transaction, as the loan's
 * LoanSurvey; an application cannot be entered without them.
 */

const count = (label: string, min: number, max: number) =>
  z.coerce
    .number({ message: `请填写${label}` })
    .int(`${label}须为整数`)
    .min(min, `${label}不能小于${min}`)
    .max(max, `${label}不能超过${max}`);
const text = (label: string, min: number, max: number) =>
  z
    .string({ message: `请填写${label}` })
    .trim()
    .min(min, `请填写${label}`)
    .max(max, `${label}不能超过${max}个字`);

export const surveyFields = {
  surveyDate: z.iso.date({ message: "请填写调查日期（年-月-日）" }),
  householdSize: count("家庭人口", 1, 30),
  labourers: count("劳动力人数", 0, 30),
  household: text("家庭情况", 2, 256),
  annualIncome: yuanField("家庭年收入"),
  incomeSource: text("主要收入来源", 2, 128),
  project: text("项目情况", 2, 256),
  projectInvestment: yuanField("项目总投资"),
};

type SurveyValues = { [K in keyof typeof surveyFields]: z.output<(typeof surveyFields)[K]> };

/** The checks between fields (messages next to the field they concern). */
export function surveyProblems(
  s: SurveyValues,
  at: { applicationDate: IsoDate; today: IsoDate; amount: string },
): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  if (s.labourers > s.householdSize) errors.labourers = ["劳动力人数不能多于家庭人口"];
  if (s.surveyDate > at.today) errors.surveyDate = ["调查日期不能晚于今天"];
  else if (s.surveyDate > at.applicationDate) errors.surveyDate = ["调查须在申请之前或当天完成"];
  if (yuanToFen(s.projectInvestment) < yuanToFen(at.amount))
    errors.projectInvestment = ["项目总投资不能少于申请金额"];
  return errors;
}

export interface SurveyDto {
  surveyDate: IsoDate;
  householdSize: number;
  labourers: number;
  household: string;
  annualIncomeFen: number;
  incomeSource: string;
  project: string;
  projectInvestmentFen: number;
  surveyedBy: string;
}

export const surveySelect = {
  surveyDate: true,
  householdSize: true,
  labourers: true,
  household: true,
  annualIncome: true,
  incomeSource: true,
  project: true,
  projectInvestment: true,
  surveyedById: true,
} as const;

export function toSurveyDto(
  s: {
    surveyDate: Date;
    householdSize: number;
    labourers: number;
    household: string;
    annualIncome: { toFixed: (n: number) => string };
    incomeSource: string;
    project: string;
    projectInvestment: { toFixed: (n: number) => string };
  },
  surveyedBy: string,
): SurveyDto {
  return {
    surveyDate: dateToIso(s.surveyDate),
    householdSize: s.householdSize,
    labourers: s.labourers,
    household: s.household,
    annualIncomeFen: decToFen(s.annualIncome),
    incomeSource: s.incomeSource,
    project: s.project,
    projectInvestmentFen: decToFen(s.projectInvestment),
    surveyedBy,
  };
}
