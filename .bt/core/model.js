const GRADES = ["strong", "medium", "weak"];
const EXIT = {
  nothingFound: 0,
  error: 1,
  usage: 2,
  detections: 10,
  incomplete: 20
};
export {
  EXIT,
  GRADES
};
