import { androidModules } from "./android/index.js";
import { iosModules } from "./ios/index.js";
const allModules = [...iosModules, ...androidModules];
function modulesFor(platform) {
  return allModules.filter((m) => m.platform === platform);
}
export {
  allModules,
  modulesFor
};
