// axios alone.
export { default as axios } from "axios";
