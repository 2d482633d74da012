import { profileFit } from "./_profile.ts";
for (let i = 0; i < 4; i++) {
  const t = profileFit("/work/shared/refdata/fit/CPMG_15N_IP", "Methods/method.toml", "2st");
  console.log(JSON.stringify(Object.fromEntries(Object.entries(t).map(([k, v]) => [k, Math.round(v)]))));
}
