// GPUBufferUsage and GPUMapMode flags as numbers: Dawn in Node defines the globals only once the adapter is
// provided, and these modules load before that.
export const MAP_READ = 0x01;
export const COPY_SRC = 0x04;
export const COPY_DST = 0x08;
export const UNIFORM = 0x40;
export const STORAGE = 0x80;
