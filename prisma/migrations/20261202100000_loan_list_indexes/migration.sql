-- The loan list without a days-past-due filter at 1M loans (issue 20 item 8: a city ≤ 1 s p95; decision 036).
-- Hand-written: Prisma's schema language has no INCLUDE columns. A city's whole list (~200,000 loans, counted and
-- summed, sorted by any column, searched by number or name) read from an index alone instead of one table page
-- per few loans (a bitmap heap scan of 31,000 pages), and the borrowers' names of the region's counties read from
-- an index alone and joined by hash (instead of all 830,000 borrowers from the table). 117 MB and 25 MB at 1M.
-- IF NOT EXISTS: measured first by hand on the kept benchmark data under these names and definitions.
CREATE INDEX IF NOT EXISTS "Loan_list_idx" ON "Loan" ("villageCode") INCLUDE ("id", "borrowerId", "bankId", "status",
  "principal", "requestedPrincipal", "principalRepaid", "disbursedDate", "maturityDate", "extendedMaturityDate",
  "applicationNo", "contractNo");
CREATE INDEX IF NOT EXISTS "Borrower_county_name_idx" ON "Borrower" ("countyCode") INCLUDE ("id", "name");
