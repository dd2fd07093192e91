-- CreateTable
CREATE TABLE "RefusalWindow" (
    "address" VARCHAR(64) NOT NULL,
    "kind" VARCHAR(32) NOT NULL,
    "windowStart" TIMESTAMPTZ(3) NOT NULL,
    "count" INTEGER NOT NULL,
    "lastAt" TIMESTAMPTZ(3) NOT NULL,
    "lastAction" VARCHAR(64) NOT NULL,

    CONSTRAINT "RefusalWindow_pkey" PRIMARY KEY ("address","kind","windowStart")
);

-- CreateIndex
CREATE INDEX "RefusalWindow_windowStart_idx" ON "RefusalWindow"("windowStart");
