-- Written-off loans (few) by county: the dashboard excludes them from 按时还款率 with a hashed anti-join.
CREATE INDEX "Loan_written_off_idx" ON "Loan" ("countyCode") INCLUDE ("id") WHERE status = 'WRITTEN_OFF';
