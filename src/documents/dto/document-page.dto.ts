import { PageDto } from '../../common/http/page.dto';
import { DocumentDto } from './document.dto';

/** One page of documents; `items` and `total` come from one consistent read. */
export class DocumentPageDto extends PageDto(DocumentDto) {}
